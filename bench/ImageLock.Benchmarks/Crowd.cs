using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace ImageLock.Benchmarks;

/// <summary>
/// Another process for benchmark 10: this program started again as <c>--crowd N [IMAGE]</c>. It raises its open-files
/// limit, opens /dev/null N times (beyond 19,500 in threads' own descriptor tables: one process, several tables), then (with IMAGE) takes the conflicting grant (perm read, unshare write) through a
/// descriptor behind all of them, prints "ready" and waits for its stdin to close. The parent kills it by its PID.
/// </summary>
internal static unsafe class Crowd
{
    public const Perm HolderPerm = Perm.Read;
    public const Unshare HolderUnshare = Unshare.Write;

    /// <summary>Descriptors per table: under this machine's hard RLIMIT_NOFILE (20,000), which bounds descriptor numbers
    /// per table. More than this are opened by threads that unshare(CLONE_FILES) first: one process, several tables. The
    /// threads go first: unshare copies the table, and a copy of the leader's full table would leave no room.</summary>
    private const int PerTable = 19_500;

    public static int Run(int descriptors, string? image)
    {
        int leader = Math.Min(descriptors, PerTable);
        if (leader > 0)
        {
            ulong* limit = stackalloc ulong[2] { (ulong)leader + 256, (ulong)leader + 256 };
            if (setrlimit(7 /* RLIMIT_NOFILE */, limit) != 0)
            {
                int errno = Marshal.GetLastPInvokeError(); // before Console.Error, whose first use makes calls of its own
                Console.Error.WriteLine($"skipped: setrlimit(RLIMIT_NOFILE, {leader + 256}) failed: errno {errno} " +
                    "(raising the hard limit needs CAP_SYS_RESOURCE)");
                return 1;
            }
        }
        // The rest in threads' own tables; the grant, with IMAGE, behind every descriptor: in the last table opened.
        ImageLease? lease = null;
        for (int left = descriptors - leader; left > 0; left -= PerTable)
        {
            bool last = left <= PerTable;
            int count = Math.Min(left, PerTable);
            bool ok = false;
            using var done = new ManualResetEventSlim();
            new Thread(() =>
            {
                ok = unshare(0x400 /* CLONE_FILES */) == 0 && OpenDevNull(count);
                if (ok && last && image is not null) lease = ImageLease.Acquire(image, HolderPerm, HolderUnshare);
                done.Set();
                Thread.Sleep(Timeout.Infinite); // its table, with the descriptors and the lock, lives as long as it does
            }) { IsBackground = true }.Start();
            done.Wait();
            if (!ok) { Console.Error.WriteLine($"a thread could not open {count} descriptors in a table of its own (unshare(CLONE_FILES) or open failed)"); return 1; }
        }
        if (!OpenDevNull(leader)) return 1;
        lease ??= image is null ? null : ImageLease.Acquire(image, HolderPerm, HolderUnshare);
        Console.WriteLine("ready");
        Console.In.ReadToEnd();
        // Not disposed: a thread's lease has its descriptor in that thread's table, not this one; exiting releases it.
        GC.KeepAlive(lease);
        return 0;
    }

    private static bool OpenDevNull(int count)
    {
        var devNull = "/dev/null\0"u8;
        fixed (byte* path = devNull)
            for (int i = 0; i < count; i++)
                if (open(path, 0x80000 /* O_RDONLY | O_CLOEXEC */) < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    Console.Error.WriteLine($"open #{i} failed: errno {errno}");
                    return false;
                }
        return true;
    }

    /// <summary>Starts this program as a crowd of <paramref name="descriptors"/>; returns once it is ready, or null when
    /// it could not open them (it said why on stderr).</summary>
    public static Process? Start(int descriptors, string? image)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(Crowd).Assembly.Location);
        start.ArgumentList.Add("--crowd");
        start.ArgumentList.Add(descriptors.ToString(CultureInfo.InvariantCulture));
        if (image is not null) start.ArgumentList.Add(image);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crowd");
        if (process.StandardOutput.ReadLine() == "ready") return process;
        Stop(process);
        return null;
    }

    /// <summary>SIGKILL by the child's own PID, then reap it.</summary>
    public static void Stop(Process process)
    {
        if (!process.HasExited) kill(process.Id, 9);
        process.WaitForExit();
        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)] private static extern int setrlimit(int resource, ulong* limit);
    [DllImport("libc", SetLastError = true)] private static extern int open(byte* path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int signal);
    [DllImport("libc", SetLastError = true)] private static extern int unshare(int flags);
}
