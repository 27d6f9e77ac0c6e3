using System.Diagnostics;
using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>
/// Names the processes that hold lock bytes on a file. OFD locks show pid -1 in /proc/locks, so the owner is found by
/// reading each process's /proc/PID/fdinfo/N: its "lock:" lines name the file they lock (device and inode, as
/// <see cref="LockKey"/>). Reads /proc only: it never opens the image and takes no lock, and it never stats or opens
/// another process's descriptor (/proc/PID/fd/N), which would reach into that file's filesystem and could block on a
/// dead NFS server or a FUSE daemon that does not answer: fdinfo and readlink are answered by /proc itself.
/// </summary>
internal static class HolderScan
{
    /// <summary>The holders of the one byte a refusal conflicted on, named within <paramref name="budget"/>. First the
    /// byte is tested again: when nobody holds it any more the conflict was transient and nobody is named.</summary>
    public static HolderReport ForConflict(string path, OpenedImage image, LockApi? api, int lockByte, TimeSpan budget)
    {
        var testApi = api ?? LockApi.Ofd;
        if (Syscalls.TestLock(image.Fd, testApi, lockByte, 1, out var probe) == 0 && !probe.Held)
            return new HolderReport([], HolderNote.Transient, lockByte, budget);
        if (budget == TimeSpan.Zero) return new HolderReport([], HolderNote.NotLookedUp, lockByte, budget);

        var deadline = budget == Timeout.InfiniteTimeSpan ? long.MaxValue
            : Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        var file = LockKey.Of(image);
        int self = Environment.ProcessId;
        bool posix = api is { IsOfd: false };

        // Who else holds the byte, as /proc/locks counts them: one line per owner covering it. Ours do not count
        // (the test above does not see them either): our POSIX locks, or the lock of our own descriptor.
        var lines = LockLines(file.Inode).Where(l => file.Matches(l) && l.Covers(lockByte) && !(posix && l.Posix && l.Pid == self)).ToList();
        int owners = lines.Count - (!posix && OwnFdCovers(image.Fd, lockByte) ? 1 : 0);
        if (owners <= 0) return new HolderReport([], HolderNote.NotVisible, lockByte, budget);

        var holders = new List<LockHolder>();
        var seen = new HashSet<string>(StringComparer.Ordinal); // distinct open file descriptions, as far as fdinfo tells
        var posixPids = lines.Where(l => l.Posix).Select(l => l.Pid).Distinct().ToList();
        bool onlyPosix = lines.All(l => l.Posix);
        // POSIX holders are known by pid. An OFD holder is searched for, this process first (leases held side by side),
        // then, all their descriptors, the processes whose command line names the image (QEMU's -drive or -blockdev,
        // qemu-img, imagelock hold), then every other process's first descriptors, and only then the rest of the big
        // descriptor tables: one process with tens of thousands of descriptors, or a hundred ordinary ones, cannot use
        // up the budget before QEMU, with its dozens, is looked at.
        List<int> others = onlyPosix ? [] : [.. Pids().Where(p => p != self && !posixPids.Contains(p))];
        var naming = NamingImage(others, path, deadline);
        List<int> pids = onlyPosix ? posixPids : [.. posixPids, self, .. naming, .. others.Where(p => !naming.Contains(p))];
        bool complete = true;
        var deferred = new List<int>();
        bool stopped = false;
        for (int round = 0; round < 2 && !stopped; round++)
        {
            foreach (int pid in round == 0 ? pids : deferred)
            {
                bool whole = round == 0 && naming.Contains(pid);
                var outcome = ScanProcess(pid, file.Matches, deadline, round == 0 && !whole ? FirstRound : int.MaxValue, round == 0 ? 0 : FirstRound,
                    (fd, fdinfo, locks) =>
                    {
                        if (pid == self && fd == image.Fd) return false;
                        if (!locks.Any(l => !l.Flock && l.Covers(lockByte))) return false; // holds other bytes only: not to blame
                        holders.Add(ToHolder(pid, fd, locks, CommandLines.By(deadline))!);
                        seen.Add(locks.Any(l => l.Posix) ? "pid " + pid : Description(fdinfo)); // inherited: one owner
                        // Every owner found: this process's other descriptors can only be copies of theirs.
                        return seen.Count >= owners;
                    });
                if (outcome == ScanOutcome.Unreadable) complete = false;
                if (outcome == ScanOutcome.More && round == 0) deferred.Add(pid);
                // Out of time after every owner was found: only processes sharing a named descriptor were left to
                // find, so the answer to "who holds it" is complete and the refusal must not say otherwise.
                if (outcome == ScanOutcome.OutOfTime)
                    return new HolderReport(Sorted(holders), seen.Count >= owners ? HolderNote.None : HolderNote.OutOfTime, lockByte, budget);
            }
            // Every owner /proc/locks counts is found (an inherited descriptor, e.g. hold's CMD, shares its owner):
            // the rest of the big tables can only hold more copies.
            stopped = seen.Count >= owners;
        }
        var note = seen.Count >= owners ? HolderNote.None
            : !complete ? HolderNote.Unreadable
            : holders.Count == 0 ? HolderNote.NotVisible : HolderNote.None;
        return new HolderReport(Sorted(holders), note, lockByte, budget);
    }

    /// <summary>Every lock on each of many files and who holds it — QEMU's protocol holders and every other lock — in one
    /// full pass over /proc: the cost of a pass is the number of descriptors on the machine, so <c>status</c> of many
    /// images must not pay it once per image. A file no /proc/locks line names is left out (nobody on this host locks it).</summary>
    public static Dictionary<LockKey, FileLocks> FindAll(IReadOnlyCollection<LockKey> files)
    {
        var inodes = files.Select(f => f.Inode).ToHashSet();
        var locked = LockLines(inodes, flock: true);
        var found = files.Where(f => locked.Any(f.Matches)).Distinct().ToDictionary(f => f, _ => new Found());
        if (found.Count == 0) return [];
        var wanted = found.Keys.ToLookup(f => f.Inode);

        bool readable = true;
        foreach (int pid in Pids())
        {
            LockKey current = default;
            bool Wanted(LockLine l)
            {
                foreach (var f in wanted[l.Inode])
                    if (f.Matches(l)) { current = f; return true; }
                return false;
            }
            var outcome = ScanProcess(pid, Wanted, long.MaxValue, int.MaxValue, 0, (fd, fdinfo, locks) =>
            {
                found[current].Add(pid, fd, fdinfo, locks);
                return false;
            });
            if (outcome == ScanOutcome.Unreadable) readable = false;
        }
        // Per file: complete when every process was readable, or when every lock /proc/locks lists on it was found.
        return found.ToDictionary(f => f.Key, f => new FileLocks(Sorted(f.Value.Holders), Sorted(f.Value.Others),
            readable || f.Value.Accounts(locked.Where(f.Key.Matches))));
    }

    /// <summary>What one pass found on one file.</summary>
    private sealed class Found
    {
        public readonly List<LockHolder> Holders = [];
        public readonly List<OtherLock> Others = [];
        private readonly HashSet<(string Owner, LockLine Lock)> _locks = [];  // every lock found, with its owner

        public void Add(int pid, int fd, string fdinfo, List<LockLine> locks)
        {
            if (ToHolder(pid, fd, locks) is LockHolder holder) Holders.Add(holder);
            Others.AddRange(ToOthers(pid, fd, locks));
            // A lock belongs to one open file description (OFD, flock) or one process (POSIX); an inherited descriptor
            // (hold's CMD, flock(1)'s command) shows the same locks again and is one owner, not two.
            foreach (var l in locks) _locks.Add((l.Posix ? $"pid {pid}" : HolderScan.Description(fdinfo), l.Key));
        }

        public bool Accounts(IEnumerable<LockLine> procLines) => HolderScan.Accounts(_locks, procLines);
    }

    /// <summary>Every line of /proc/locks on a file is a lock found with its owner, as many times as /proc/locks lists it.</summary>
    internal static bool Accounts(HashSet<(string Owner, LockLine Lock)> found, IEnumerable<LockLine> procLines) =>
        procLines.GroupBy(l => l.Key).All(g => found.Count(o => o.Lock == g.Key) >= g.Count());

    /// <summary>fdinfo without its flags line, which carries the descriptor's own O_CLOEXEC: the open file description
    /// (two processes sharing one, as a parent and the child that inherited it, show the same text).</summary>
    internal static string Description(string fdinfo) =>
        string.Join('\n', fdinfo.Split('\n').Where(l => !l.StartsWith("flags:", StringComparison.Ordinal)));

    internal enum ScanOutcome { Done, Unreadable, Stopped, OutOfTime, More }

    /// <summary>Every descriptor on the machine that carries locks, with its lock lines (for <see cref="HostScan"/>).</summary>
    internal static ScanOutcome ScanLocked(int pid, Func<ulong, bool> inode, Action<string, int, string, List<LockLine>> found) =>
        ScanProcess(pid, l => inode(l.Inode), long.MaxValue, int.MaxValue, 0, (dir, fd, fdinfo, locks) => { found(dir, fd, fdinfo, locks); return false; });

    /// <summary>Descriptors per process looked at in a conflict scan's first round.</summary>
    private const int FirstRound = 256;

    /// <summary>Looks at each descriptor of <paramref name="pid"/> that holds locks on a file it <paramref name="matches"/>
    /// (given the first lock line: all of a descriptor's lock lines are on its own file); <paramref name="found"/> gets
    /// its number, raw fdinfo and lock lines (flock locks included), and returns true to skip the rest of this process's
    /// descriptors. Per descriptor one openat, read and close of its fdinfo, relative to the process's fdinfo directory.</summary>
    internal static ScanOutcome ScanProcess(int pid, Func<LockLine, bool> matches, long deadline, int take, int skip,
        Func<int, string, List<LockLine>, bool> found) =>
        ScanProcess(pid, matches, deadline, take, skip, (_, fd, fdinfo, locks) => found(fd, fdinfo, locks));

    /// <summary>As above, also naming the fdinfo directory of the table the descriptor is in: every distinct table of
    /// the process (<see cref="DescriptorTables"/>), counted as one process by <paramref name="take"/> and <paramref name="skip"/>.</summary>
    internal static ScanOutcome ScanProcess(int pid, Func<LockLine, bool> matches, long deadline, int take, int skip,
        Func<string, int, string, List<LockLine>, bool> found)
    {
        var outcome = ScanOutcome.Done;
        int index = 0;
        foreach (string dir in DescriptorTables.Of(pid))
        {
            var table = ScanTable(dir, matches, deadline, take, skip, ref index, found);
            if (table is ScanOutcome.Stopped or ScanOutcome.OutOfTime or ScanOutcome.More) return table;
            if (table == ScanOutcome.Unreadable) outcome = table;
        }
        return outcome;
    }

    private static ScanOutcome ScanTable(string dir, Func<LockLine, bool> matches, long deadline, int take, int skip,
        ref int index, Func<string, int, string, List<LockLine>, bool> found)
    {
        int err = Syscalls.OpenDirectory(dir, out int dirFd);
        if (err != 0) return err is 2 /* ENOENT */ or 3 /* ESRCH */ ? ScanOutcome.Done : ScanOutcome.Unreadable;
        var outcome = ScanOutcome.Done;
        try
        {
            var buffer = _fdinfo ??= new byte[4096];
            foreach (int fd in Descriptors(dir))
            {
                if (index++ < skip) continue;
                if (index > (long)skip + take) return ScanOutcome.More; // long: the second round takes int.MaxValue
                if (Stopwatch.GetTimestamp() > deadline) return ScanOutcome.OutOfTime;
                int n = Syscalls.ReadFileAt(dirFd, fd, ref buffer);
                _fdinfo = buffer;
                if (n == -2 /* ENOENT: closed meanwhile */) continue;
                if (n < 0) { outcome = ScanOutcome.Unreadable; continue; }
                if (buffer.AsSpan(0, n).IndexOf("\nlock:"u8) < 0) continue; // no locks: the common case, no allocation
                string fdinfo = Encoding.UTF8.GetString(buffer, 0, n);
                var locks = fdinfo.Split('\n').Where(l => l.StartsWith("lock:", StringComparison.Ordinal))
                    .Select(l => LockLine.ParseAny(l["lock:".Length..])).OfType<LockLine>().ToList();
                if (locks.Count > 0 && matches(locks[0]) && found(dir, fd, fdinfo, locks)) return ScanOutcome.Stopped;
            }
        }
        catch (DirectoryNotFoundException) { return ScanOutcome.Done; } // the process or thread exited meanwhile
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ScanOutcome.Unreadable; }
        finally
        {
            Syscalls.Close(dirFd);
        }
        return outcome;
    }

    /// <summary>A reused fdinfo buffer per thread: a scan reads tens of thousands.</summary>
    [ThreadStatic] private static byte[]? _fdinfo;

    /// <summary>The descriptor numbers of a process, from its fdinfo directory: plain files there, so the enumeration
    /// never stats an entry (in /proc/PID/fd they are symlinks, which it would follow to tell files from directories).
    /// An unreadable directory (another user's process) throws: the default options would skip it silently, and the
    /// process would pass for one without descriptors, its locks for found.</summary>
    private static IEnumerable<int> Descriptors(string fdinfoDir) =>
        new FileSystemEnumerable<int>(fdinfoDir,
            (ref FileSystemEntry entry) => int.TryParse(entry.FileName, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) ? fd : -1,
            Enumerate)
        { ShouldIncludePredicate = (ref FileSystemEntry entry) => entry.FileName.Length > 0 && char.IsAsciiDigit(entry.FileName[0]) };

    private static readonly EnumerationOptions Enumerate = new() { IgnoreInaccessible = false, AttributesToSkip = 0 };

    /// <summary>The processes whose command line contains the image's file name. Reading a hundred command lines
    /// costs less than one process's descriptors.</summary>
    private static HashSet<int> NamingImage(List<int> pids, string path, long deadline)
    {
        string name = Path.GetFileName(path);
        var naming = new HashSet<int>();
        if (name.Length == 0) return naming;
        foreach (int pid in pids)
        {
            if (Stopwatch.GetTimestamp() > deadline) break;
            // Bounded: a process whose memory map is locked does not answer (CommandLines); it is just not looked at first.
            if (CommandLines.Read(pid, CommandLines.Soon(deadline), out _) is string command
                && command.Contains(name, StringComparison.Ordinal)) naming.Add(pid);
        }
        return naming;
    }

    /// <summary>The descriptor as a holder of QEMU's bytes: its fcntl locks that cover some of them (a whole-file lock
    /// counts: QEMU sees it), or null when it has none.</summary>
    internal static LockHolder? ToHolder(int pid, int fd, List<LockLine> all, long commandBy = 0)
    {
        var locks = all.Where(LockKinds.TouchesQemuBytes).ToList();
        if (locks.Count == 0) return null;
        int perm = 0, unshare = 0;
        bool legacy = false;
        for (int i = 0; i <= PermNames.Count; i++)
        {
            bool permByte = locks.Any(l => l.Covers(LockProtocol.PermBase + i));
            bool sharedByte = locks.Any(l => l.Covers(LockProtocol.SharedBase + i));
            if (i == PermNames.Count) { legacy = permByte || sharedByte; continue; }
            if (permByte) perm |= 1 << i;
            if (sharedByte) unshare |= 1 << i;
        }
        string? command = CommandLine(pid, commandBy, out bool blocked);
        return new LockHolder(pid, fd, command, (Perm)perm, (Unshare)unshare,
            locks.Any(l => l.Posix) ? "POSIX" : "OFD", legacy, locks.Any(l => l.Write)) { CommandLineBlocked = blocked };
    }

    /// <summary>The descriptor's locks that are not QEMU's protocol, each with its kind.</summary>
    internal static IEnumerable<OtherLock> ToOthers(int pid, int fd, List<LockLine> locks)
    {
        string? command = null;
        bool blocked = false, read = false;
        foreach (var l in locks)
            if (LockKinds.Classify(l) is OtherLockKind kind)
            {
                if (!read) { command = CommandLine(pid, 0, out blocked); read = true; }
                yield return new OtherLock(pid, fd, command, kind, l.Type, l.Write, l.Start, l.End == long.MaxValue ? null : l.End)
                    { CommandLineBlocked = blocked };
            }
    }

    /// <summary>Every lock /proc/locks lists (locks of this kernel: every mount namespace, every user).</summary>
    internal static List<LockLine> AllLockLines(bool flock = false) =>
        (TryRead("/proc/locks") ?? "").Split('\n').Select(l => flock ? LockLine.ParseAny(l) : LockLine.Parse(l)).OfType<LockLine>().ToList();

    /// <summary>/proc/locks lines on files with one of these inode numbers (any device: btrfs prints another one); fcntl
    /// locks only unless <paramref name="flock"/>.</summary>
    private static List<LockLine> LockLines(IReadOnlySet<ulong> inodes, bool flock = false)
    {
        var result = new List<LockLine>();
        string? text = TryRead("/proc/locks");
        if (text is null) return result;
        foreach (var line in text.Split('\n'))
            if ((flock ? LockLine.ParseAny(line) : LockLine.Parse(line)) is LockLine l && inodes.Contains(l.Inode)) result.Add(l);
        return result;
    }

    private static List<LockLine> LockLines(ulong inode) => LockLines(new HashSet<ulong> { inode });

    /// <summary>/proc/locks lists some lock (fcntl or flock) on a file with this inode number.</summary>
    internal static bool AnyLockOn(ulong inode) => LockLines(new HashSet<ulong> { inode }, flock: true).Count > 0;

    private static bool OwnFdCovers(int fd, int lockByte)
    {
        string? fdinfo = TryRead($"/proc/self/fdinfo/{fd}");
        return fdinfo is not null && fdinfo.Split('\n').Where(l => l.StartsWith("lock:", StringComparison.Ordinal))
            .Select(l => LockLine.Parse(l["lock:".Length..])).Any(l => l is LockLine x && x.Covers(lockByte));
    }

    internal static IEnumerable<int> Pids()
    {
        try
        {
            return Directory.EnumerateDirectories("/proc").Select(Path.GetFileName)
                .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : -1)
                .Where(pid => pid > 0).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    internal static List<LockHolder> Sorted(List<LockHolder> holders)
    {
        holders.Sort((a, b) => a.Pid != b.Pid ? a.Pid.CompareTo(b.Pid) : Nullable.Compare(a.Fd, b.Fd));
        return holders;
    }

    internal static List<OtherLock> Sorted(List<OtherLock> locks)
    {
        locks.Sort((a, b) => a.Pid != b.Pid ? a.Pid.CompareTo(b.Pid) : a.Fd != b.Fd ? Nullable.Compare(a.Fd, b.Fd) : a.Start.CompareTo(b.Start));
        return locks;
    }

    /// <summary>The command line with its arguments joined by spaces, read by <paramref name="by"/> (0: within
    /// <see cref="CommandLines.Bound"/>). Without one (a kernel thread), or when reading it did not finish
    /// (<paramref name="blocked"/>), the process's name from /proc/PID/comm, which never waits on its memory map.</summary>
    private static string? CommandLine(int pid, long by, out bool blocked)
    {
        string? raw = CommandLines.Read(pid, by == 0 ? CommandLines.By(long.MaxValue) : by, out blocked);
        if (string.IsNullOrEmpty(raw)) return TryRead($"/proc/{pid}/comm")?.TrimEnd('\n');
        return raw.TrimEnd('\0').Replace('\0', ' ');
    }

    internal static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}

/// <summary>One held lock as /proc/locks or fdinfo prints it: <c>1: OFDLCK ADVISORY  READ -1 08:02:1234 100 101</c>.</summary>
internal readonly record struct LockLine(bool Posix, bool Write, int Pid, ulong Inode, long Start, long End, string Device = "", bool Flock = false)
{
    public bool Covers(long b) => b >= Start && b <= End;

    /// <summary>The scheme in lslocks(8)'s words: FLOCK, POSIX or OFDLCK.</summary>
    public string Type => Flock ? "FLOCK" : Posix ? "POSIX" : "OFDLCK";

    /// <summary>The lock without the device (btrfs prints another one than fstat): what /proc/locks and fdinfo agree on.</summary>
    public LockLine Key => this with { Device = "" };

    /// <summary>An fcntl (POSIX or OFD) lock, or null for blocked waiters ("->"), flock locks (another lock space, which
    /// QEMU ignores: .NET FileStream takes flock), leases and anything unparsable.</summary>
    public static LockLine? Parse(string line) => ParseAny(line) is LockLine { Flock: false } l ? l : null;

    /// <summary>An fcntl or flock lock, or null for blocked waiters, leases and anything unparsable.</summary>
    public static LockLine? ParseAny(string line)
    {
        var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 8 || f[1] == "->" || f[1] is not ("OFDLCK" or "POSIX" or "FLOCK")) return null;
        int colon = f[5].LastIndexOf(':');
        if (colon < 0 || !ulong.TryParse(f[5].AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)) return null;
        if (!long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out long start)) return null;
        long end = f[7] == "EOF" ? long.MaxValue
            : long.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out long e) ? e : -1;
        if (end < 0) return null;
        int.TryParse(f[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int pid);
        return new LockLine(f[1] == "POSIX", f[3] == "WRITE", pid, inode, start, end, f[5][..colon], f[1] == "FLOCK");
    }
}

/// <summary>The locks on one file: QEMU's protocol holders, every other lock, and whether /proc showed them all.</summary>
internal sealed record FileLocks(List<LockHolder> Holders, List<OtherLock> Others, bool Complete);

/// <summary>Why a list of holders may be short.</summary>
internal enum HolderNote { None, Transient, NotLookedUp, OutOfTime, Unreadable, NotVisible }

/// <summary>The holders of a conflicting byte, and what kept the list short.</summary>
internal sealed record HolderReport(IReadOnlyList<LockHolder> Holders, HolderNote Note, int Byte, TimeSpan Budget);
