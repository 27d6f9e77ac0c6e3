using System.Diagnostics;

namespace ImageLock.Engine;

/// <summary>
/// Reads /proc/PID/cmdline with a bound. The kernel copies a command line out of the process's memory under that
/// process's mmap_lock (access_remote_vm): while one of its threads holds the lock waiting on a filesystem that does not
/// answer and another queues for it (mmap, munmap, mprotect), every reader blocks until the filesystem answers, which is
/// how ps(1) hangs. A blocking read() cannot be interrupted, so each read runs on a reader thread and callers wait for
/// it at most until their deadlines. There is at most one read of a pid in flight: a caller who asks while one runs
/// waits for that one. A read that outlasts a caller's deadline is stuck; until it returns (the kernel waits killably,
/// so this process can still exit) its pid is answered at once as blocked, and beyond <see cref="MaxStuck"/> stuck
/// reads every new command line is. /proc/PID/comm comes from the task itself and takes no lock: that is the name of a
/// blocked process.
/// </summary>
internal static class CommandLines
{
    /// <summary>Stuck reads kept at most: each is a thread blocked in the kernel.</summary>
    public const int MaxStuck = 8;

    /// <summary>The longest wait for one command line; it takes microseconds when its process's memory map is free.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromMilliseconds(250);

    /// <summary>The shortest: a holder found just at the end of a conflict's budget still gets its command line.</summary>
    private static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(20);

    /// <summary>Guards everything below; callers wait on it for their read to finish.</summary>
    private static readonly object Gate = new();
    private static readonly Stack<Reader> Idle = new();
    private static readonly Dictionary<int, ReadOf> InFlight = [];
    private static int _stuck;

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
        lock (Gate)
        {
            if (!InFlight.TryGetValue(pid, out var read))
            {
                if (_stuck >= MaxStuck) { blocked = true; return null; }
                read = new ReadOf(pid);
                InFlight[pid] = read;
                (Idle.TryPop(out var reader) ? reader : new Reader()).Start(read);
            }
            while (!read.Done)
            {
                long left = deadline - Stopwatch.GetTimestamp();
                if (read.Stuck || left <= 0 || !Monitor.Wait(Gate, TimeSpan.FromSeconds((double)left / Stopwatch.Frequency)))
                {
                    if (read.Done) break;
                    if (!read.Stuck) { read.Stuck = true; _stuck++; }
                    blocked = true;
                    return null;
                }
            }
            blocked = false;
            return read.Text;
        }
    }

    /// <summary>One read of one pid's command line; its fields change under <see cref="Gate"/>.</summary>
    private sealed class ReadOf(int pid)
    {
        public readonly int Pid = pid;
        public string? Text;
        public bool Done, Stuck;
    }

    /// <summary>A thread that reads one command line at a time, idle between reads.</summary>
    private sealed class Reader
    {
        private readonly SemaphoreSlim _go = new(0);
        private ReadOf? _read;

        public Reader() => new Thread(Run) { IsBackground = true, Name = "cmdline reader" }.Start();

        public void Start(ReadOf read)
        {
            _read = read;
            _go.Release();
        }

        private void Run()
        {
            while (true)
            {
                _go.Wait();
                var read = _read!;
                string? text = HolderScan.TryRead($"/proc/{read.Pid}/cmdline");
                lock (Gate)
                {
                    read.Text = text;
                    read.Done = true;
                    InFlight.Remove(read.Pid);
                    if (read.Stuck) _stuck--;
                    Idle.Push(this);
                    Monitor.PulseAll(Gate);
                }
            }
        }
    }
}
