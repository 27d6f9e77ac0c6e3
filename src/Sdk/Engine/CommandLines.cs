using System.Diagnostics;

namespace ImageLock.Engine;

/// <summary>
/// Reads /proc/PID/cmdline with a bound. The kernel copies a command line out of the process's memory under that
/// process's mmap_lock (access_remote_vm): while one of its threads holds the lock waiting on a filesystem that does not
/// answer and another queues for it (mmap, munmap, mprotect), every reader blocks until the filesystem answers, which is
/// how ps(1) hangs. A blocking read() cannot be interrupted, so each read runs on a reader thread and the caller waits
/// at most until its deadline. A read that does not finish is left to its thread (the kernel waits killably, so this
/// process can still exit), and until it returns that pid is answered at once as blocked: at most one stuck reader per
/// process, and at most <see cref="MaxStuck"/> in all (beyond them every command line is answered as blocked).
/// /proc/PID/comm comes from the task itself and takes no lock: that is the name of a blocked process.
/// </summary>
internal static class CommandLines
{
    /// <summary>Stuck readers kept at most: each is a thread blocked in the kernel.</summary>
    public const int MaxStuck = 8;

    /// <summary>The longest wait for one command line; it takes microseconds when its process's memory map is free.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(250);

    /// <summary>The shortest: a holder found just at the end of a conflict's budget still gets its command line.</summary>
    private static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(20);

    private static readonly object Gate = new();
    private static readonly Stack<Reader> Idle = new();
    private static readonly Dictionary<int, Reader> Stuck = [];

    /// <summary>A deadline for one read: <see cref="Bound"/> from now, or <paramref name="deadline"/> when sooner, but
    /// never sooner than <see cref="Floor"/>.</summary>
    public static long By(long deadline)
    {
        long now = Stopwatch.GetTimestamp();
        long bound = now + (long)(Bound.TotalSeconds * Stopwatch.Frequency);
        long floor = now + (long)(Floor.TotalSeconds * Stopwatch.Frequency);
        return Math.Max(floor, Math.Min(deadline, bound));
    }

    /// <summary>A short deadline for reads that only set an order (which processes to look at first): a blocked one
    /// costs <see cref="Floor"/> once, then that process is answered as blocked at once.</summary>
    public static long Soon(long deadline) =>
        Math.Min(deadline, Stopwatch.GetTimestamp() + (long)(Floor.TotalSeconds * Stopwatch.Frequency));

    /// <summary>The raw contents of /proc/PID/cmdline (arguments ending in NUL), or null when the process is gone or
    /// unreadable; <paramref name="blocked"/> when the read did not finish by <paramref name="deadline"/>.</summary>
    public static string? Read(int pid, long deadline, out bool blocked)
    {
        Reader? reader;
        lock (Gate)
        {
            blocked = Stuck.ContainsKey(pid) || Stuck.Count >= MaxStuck;
            if (blocked) return null;
            Idle.TryPop(out reader);
        }
        reader ??= new Reader();
        if (reader.TryRead(pid, deadline, out string? text))
        {
            lock (Gate) Idle.Push(reader);
            return text;
        }
        blocked = true;
        return null;
    }

    /// <summary>Pids whose reader is stuck now (for tests).</summary>
    internal static int[] StuckPids() { lock (Gate) return [.. Stuck.Keys]; }

    /// <summary>One thread that reads one command line at a time; abandoned when a read outlasts its caller's deadline,
    /// it ends once that read returns.</summary>
    private sealed class Reader
    {
        private readonly object _lock = new();
        private int _pid;
        private bool _asked, _done, _abandoned;
        private string? _text;

        public Reader() => new Thread(Run) { IsBackground = true, Name = "cmdline reader" }.Start();

        public bool TryRead(int pid, long deadline, out string? text)
        {
            lock (_lock)
            {
                _pid = pid;
                _done = false;
                _asked = true;
                Monitor.Pulse(_lock);
                while (!_done)
                {
                    long left = deadline - Stopwatch.GetTimestamp();
                    if (left <= 0 || !Monitor.Wait(_lock, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency)))
                    {
                        if (_done) break;
                        // Registered while _lock is held: Run removes it only after it sees _abandoned, under _lock.
                        _abandoned = true;
                        lock (Gate) Stuck[pid] = this;
                        text = null;
                        return false;
                    }
                }
                text = _text;
                return true;
            }
        }

        private void Run()
        {
            while (true)
            {
                int pid;
                lock (_lock)
                {
                    while (!_asked) Monitor.Wait(_lock);
                    _asked = false;
                    pid = _pid;
                }
                string? text = HolderScan.TryRead($"/proc/{pid}/cmdline");
                bool abandoned;
                lock (_lock)
                {
                    _text = text;
                    _done = true;
                    abandoned = _abandoned;
                    Monitor.Pulse(_lock);
                }
                if (abandoned)
                {
                    lock (Gate) Stuck.Remove(pid);
                    return;
                }
            }
        }
    }
}
