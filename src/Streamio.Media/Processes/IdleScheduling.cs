using System.Globalization;
using System.Runtime.InteropServices;

namespace Streamio.Media.Processes;

/// <summary>
/// Linux's idle scheduling class (SCHED_IDLE) for background encodes. A nice value only scales CPU shares per thread: a
/// chunk's twenty x264 threads at nice 10 still outweigh the three of a fast start at nice 0, so the encode a viewer waits
/// for ran at about half speed on a busy node. An idle-class thread runs only on CPU that no normal thread wants.
/// </summary>
internal static partial class IdleScheduling
{
    private const int SchedIdle = 5;
    private const int PrioProcess = 0;
    private const int BackgroundNice = 10;

    /// <summary>Moves one thread (and every thread it starts after) to the idle class; false, with why, when the OS refuses.</summary>
    public static bool TryApply(int threadId, out string? error)
    {
        error = null;
        if (!OperatingSystem.IsLinux())
        {
            error = "the idle scheduling class is Linux's";
            return false;
        }

        var parameter = 0; // struct sched_param { int sched_priority; }: must be 0 for SCHED_IDLE.
        if (SchedSetScheduler(threadId, SchedIdle, ref parameter) == 0)
        {
            return true;
        }

        error = $"sched_setscheduler failed with errno {Marshal.GetLastPInvokeError()}";
        return false;
    }

    /// <summary>
    /// Lowers a process that is already running, thread by thread (Linux's nice and class are per thread): nice 10 and the
    /// idle class, as a background run starts with. False, with why, when any thread could not be lowered.
    /// </summary>
    public static bool TryLowerRunning(int pid, out string? error)
    {
        error = null;
        if (!OperatingSystem.IsLinux())
        {
            error = "lowering a running process is done here on Linux only";
            return false;
        }

        string[] threads;
        try
        {
            threads = Directory.GetDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task");
        }
        catch (DirectoryNotFoundException)
        {
            return true; // Exited: nothing left to lower.
        }

        foreach (var thread in threads)
        {
            var threadId = int.Parse(Path.GetFileName(thread), CultureInfo.InvariantCulture);
            // A thread that exited meanwhile (ESRCH) is no failure.
            if (SetPriority(PrioProcess, threadId, BackgroundNice) != 0 && Marshal.GetLastPInvokeError() != Esrch)
            {
                error = $"setpriority failed with errno {Marshal.GetLastPInvokeError()}";
            }

            if (!TryApply(threadId, out var idleError) && Marshal.GetLastPInvokeError() != Esrch)
            {
                error = idleError;
            }
        }

        return error is null;
    }

    private const int Esrch = 3;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref int parameter);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
