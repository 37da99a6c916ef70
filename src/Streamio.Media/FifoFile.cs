using System.Runtime.InteropServices;

namespace Streamio.Media;

/// <summary>
/// A named pipe (FIFO) FFmpeg reads as a file: Streamio streams bytes it decrypted in memory into it, so nothing
/// plaintext is written to disk and FFmpeg's stdin stays the runner's channel for its quit command.
/// </summary>
public static partial class FifoFile
{
    [LibraryImport("libc", EntryPoint = "mkfifo", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MakeFifo(string path, uint mode);

    /// <summary>Creates the FIFO, readable and writable by this user only.</summary>
    public static void Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Watermark sessions feed FFmpeg through a POSIX FIFO.");
        }
        if (MakeFifo(path, Convert.ToUInt32("600", 8)) != 0)
        {
            throw new IOException($"Cannot create the FIFO '{path}' (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>
    /// Opens the FIFO for writing, which waits until a reader opens it. Runs on its own thread: the open blocks.
    /// </summary>
    public static Task<FileStream> OpenWriterAsync(string path) =>
        Task.Factory.StartNew(
            () => new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// Releases a writer still waiting in <see cref="OpenWriterAsync"/> after the reader died before opening: opening
    /// and closing the read end lets the writer's open return and its first write fail.
    /// </summary>
    public static async Task ReleaseWriterAsync(string path, Task<FileStream> writer)
    {
        if (writer.IsCompleted)
        {
            return;
        }
        var reader = Task.Factory.StartNew(
            () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(5))) == reader)
        {
            await (await reader).DisposeAsync();
        }
    }
}
