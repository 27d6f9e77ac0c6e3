using System.Runtime.InteropServices;
using ImageLock.Tests.Support;

/// <summary>
/// --own-table: the lock is taken through a descriptor of a thread that called unshare(CLONE_FILES), so it lives in a
/// descriptor table of its own that /proc/PID/fd and /proc/PID/fdinfo (the leader's table) do not show. The thread
/// stays alive, blocked, for as long as the process: its table, and with it the lock, goes when it exits.
/// </summary>
internal static class OwnTable
{
    private const int CLONE_FILES = 0x400;

    /// <summary>Runs <paramref name="takeLock"/> on such a thread; its result (0, or an exit code after a message).</summary>
    public static int Lock(Func<int> takeLock)
    {
        int result = -1;
        using var done = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            if (unshare(CLONE_FILES) != 0)
            {
                Console.Error.WriteLine($"unshare(CLONE_FILES): errno {Marshal.GetLastPInvokeError()}");
                result = 2;
            }
            else result = takeLock();
            done.Set();
            if (result == 0) Thread.Sleep(Timeout.Infinite);
        }) { IsBackground = true, Name = "own descriptor table" };
        thread.Start();
        done.Wait();
        return result;
    }

    [DllImport("libc", SetLastError = true)] private static extern int unshare(int flags);
}
