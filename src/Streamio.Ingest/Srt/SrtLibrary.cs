using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Streamio.Ingest.Srt;

/// <summary>
/// Loads libsrt by the configured name before the first call into it, so a missing library is a clear message at
/// start-up instead of a <see cref="DllNotFoundException"/> later. <see cref="SrtNative"/>'s imports resolve to the
/// first library loaded: one process uses one libsrt.
/// </summary>
internal static class SrtLibrary
{
    /// <summary>The Debian/Ubuntu package that ships <see cref="SrtNative.LibraryName"/>.</summary>
    public const string Package = "libsrt1.5-gnutls";

    private static readonly Lock Gate = new();
    private static nint _handle;
    private static string? _loadedName;

    public static bool TryLoad(string name, [NotNullWhen(false)] out string? error)
    {
        lock (Gate)
        {
            if (_handle != 0 && name == _loadedName)
            {
                error = null;
                return true;
            }

            if (!NativeLibrary.TryLoad(name, typeof(SrtLibrary).Assembly, null, out var handle))
            {
                error = $"libsrt ('{name}') could not be loaded. Install it: apt-get install {Package}";
                return false;
            }

            if (_handle != 0)
            {
                NativeLibrary.Free(handle);
                error = $"libsrt is already loaded from '{_loadedName}' in this process; '{name}' cannot be used beside it";
                return false;
            }

            // The listen callback (libsrt 1.3.3+) is what checks the stream key before any media is accepted.
            if (!NativeLibrary.TryGetExport(handle, "srt_listen_callback", out _))
            {
                NativeLibrary.Free(handle);
                error = $"'{name}' is not a libsrt with srt_listen_callback (1.3.3 or later). Install {Package}";
                return false;
            }

            _handle = handle;
            _loadedName = name;
            NativeLibrary.SetDllImportResolver(typeof(SrtLibrary).Assembly, Resolve);
            error = null;
            return true;
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == SrtNative.LibraryName ? _handle : 0;
}
