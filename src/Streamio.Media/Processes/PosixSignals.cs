using System.Runtime.InteropServices;

namespace Streamio.Media.Processes;

/// <summary>SIGTERM lets a tool that ignores stdin (ffprobe, or FFmpeg blocked on I/O) still shut down cleanly.</summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends SIGTERM; false when not on a POSIX system or the process is already gone.</summary>
    public static bool TrySendTerminate(int pid)
    {
        if (OperatingSystem.IsWindows() || pid <= 0)
        {
            return false;
        }

        return Kill(pid, SigTerm) == 0;
    }
}
