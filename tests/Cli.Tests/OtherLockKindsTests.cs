using System.Text.Json;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>One answer to "who uses this image": <c>status</c> names every kind of lock it sees, each in its own words —
/// QEMU's protocol holders, flock(2) holders, libvirt virtlockd's byte 0, other fcntl ranges, a write lock on a protocol
/// byte — taken by real processes (flock(1), tests/ForeignLock), and what each does to QEMU holds (hold's QEMU steps).</summary>
public sealed class OtherLockKindsTests
{
    private const string Header = "PID FD KIND TYPE MODE START END COMMAND";
    private const string FlockMeaning = "flock: a flock(2) lock, another lock scheme (crosvm, prl-disk-tool, .NET FileStream): on Linux it does not " +
        "conflict with QEMU's fcntl locks (over NFS it does: NFS emulates flock with a whole-file fcntl lock)";

    /// <summary>The block after "other locks (not QEMU's protocol):": header, rows with single spaces, meaning lines.</summary>
    private static (string Header, string[] Rows, string[] Meanings) OtherLocks(string[] lines)
    {
        int at = Array.IndexOf(lines, "other locks (not QEMU's protocol):");
        Assert.True(at >= 0, string.Join("\n", lines));
        var block = lines[(at + 1)..].Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        var rows = block.Skip(1).TakeWhile(l => char.IsAsciiDigit(l[0])).ToArray();
        return (block[0], rows, block[(1 + rows.Length)..]);
    }

    private static string Row(int pid, int fd, string kind, string type, string mode, string start, string end, int commandPid) =>
        $"{pid} {fd} {kind} {type} {mode} {start} {end} {Locker.Cmdline(commandPid)}";

    [Fact]
    public void Every_kind_at_once_each_in_its_own_words_with_pid_fd_and_command()
    {
        using var image = new TempImage();
        using var qemu = Imagelock.Start("hold", "--perm", "read", image.Path);
        CliFacts.WaitHeld(image.Path, qemu, Perm.Read, Unshare.None);
        using var flock = Locker.Flock(image.Path);
        using var virtlockd = Locker.Fcntl("posix", "write", "0", "0", image.Path);
        using var range = Locker.Fcntl("ofd", "write", "300", "EOF", image.Path);
        using var writer = Locker.Fcntl("ofd", "write", "203", "203", image.Path);

        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        // The bytes as QEMU sees them: byte 203 (unshare resize) is held, by the write lock.
        Assert.Equal(["perm=read", "unshare=resize"], lines[..2]);
        // QEMU's protocol holders: hold only, in the table of old.
        Assert.Equal(["PID", "FD", "PERM", "UNSHARE", "COMMAND"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"{qemu.Pid} {Locker.FdOn(qemu.Pid, image.Path)} read - {Locker.Cmdline(qemu.Pid)}",
            string.Join(' ', lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal("other locks (not QEMU's protocol):", lines[4]);

        var (header, rows, meanings) = OtherLocks(lines);
        Assert.Equal(Header, header);
        Assert.Equal(new[]
        {
            Row(flock.Pid, Locker.FdOn(flock.Pid, image.Path), "flock", "FLOCK", "WRITE", "0", "EOF", flock.Pid),
            Row(flock.ChildPid, Locker.FdOn(flock.ChildPid, image.Path), "flock", "FLOCK", "WRITE", "0", "EOF", flock.ChildPid),
            Row(virtlockd.Pid, Locker.FdOn(virtlockd.Pid, image.Path), "virtlockd", "POSIX", "WRITE", "0", "0", virtlockd.Pid),
            Row(range.Pid, Locker.FdOn(range.Pid, image.Path), "range", "OFDLCK", "WRITE", "300", "EOF", range.Pid),
            Row(writer.Pid, Locker.FdOn(writer.Pid, image.Path), "write-lock", "OFDLCK", "WRITE", "203", "203", writer.Pid),
        }.Order(), rows.Order());
        Assert.Equal(new[]
        {
            FlockMeaning,
            "virtlockd: libvirt virtlockd's lease on byte 0 (POSIX WRITE: the disk of a running VM): it leaves QEMU's bytes alone, no conflict with QEMU",
            "range 300-EOF: an fcntl WRITE lock beyond QEMU's bytes (cloud-hypervisor, locknloop): it leaves QEMU's bytes (100-104, 200-204) alone, no conflict with QEMU",
            "write-lock 203: a write lock on QEMU's byte 203, which QEMU never takes (it takes read locks): a QEMU that takes byte 203 fails with \"Failed to lock byte 203\"",
        }.Order(), meanings.Order());

        // What the words promise, through QEMU's own steps: a reader passes the flock, virtlockd and range locks; one
        // that takes byte 203 (unshare resize) fails on it.
        var reader = Imagelock.Run("hold", "--perm", "read", image.Path, "--", "true");
        Assert.True(reader.Exit == 0, CliFacts.Describe(reader));
        var unsharer = Imagelock.Run("hold", "--perm", "read", "--unshare", "resize", image.Path, "--", "true");
        Assert.Equal(1, unsharer.Exit);
        Assert.StartsWith("imagelock: Failed to lock byte 203\n", unsharer.Err);

        // JSON: holders as in version 1 (every descriptor on QEMU's bytes, the write lock included), other_locks new.
        var json = Imagelock.Run("status", "-J", image.Path);
        using var doc = JsonDocument.Parse(json.Out);
        var entry = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray());
        Assert.True(entry.GetProperty("holders_complete").GetBoolean());
        Assert.Equal(new[] { (qemu.Pid, false), (writer.Pid, true) }.Order(),
            entry.GetProperty("holders").EnumerateArray().Select(h => (h.GetProperty("pid").GetInt32(), h.GetProperty("write_lock").GetBoolean())).Order());
        var others = entry.GetProperty("other_locks").EnumerateArray().ToDictionary(o => o.GetProperty("pid").GetInt32());
        Assert.Equal(new[] { flock.Pid, flock.ChildPid, virtlockd.Pid, range.Pid, writer.Pid }.Order(), others.Keys.Order());
        Assert.Equal("""{"pid":PID,"fd":FD,"command":"CMD","kind":"virtlockd","type":"POSIX","mode":"WRITE","start":0,"end":0,"qemu_bytes":[]}"""
            .Replace("PID", $"{virtlockd.Pid}").Replace("FD", $"{Locker.FdOn(virtlockd.Pid, image.Path)}").Replace("CMD", Locker.Cmdline(virtlockd.Pid)),
            Compact(others[virtlockd.Pid]));
        Assert.Equal("""{"pid":PID,"fd":FD,"command":"flock -n IMG sleep 600","kind":"flock","type":"FLOCK","mode":"WRITE","start":0,"end":null,"qemu_bytes":[]}"""
            .Replace("PID", $"{flock.Pid}").Replace("FD", $"{Locker.FdOn(flock.Pid, image.Path)}").Replace("IMG", image.Path),
            Compact(others[flock.Pid]));
        Assert.Equal(("range", 300L, JsonValueKind.Null), (others[range.Pid].GetProperty("kind").GetString(), others[range.Pid].GetProperty("start").GetInt64(),
            others[range.Pid].GetProperty("end").ValueKind));
        Assert.Equal(("write-lock", "[203]"), (others[writer.Pid].GetProperty("kind").GetString(), Compact(others[writer.Pid].GetProperty("qemu_bytes"))));

        // Several images: one table, a row per lock; KIND names the other locks in full.
        using var free = new TempImage();
        var table = Imagelock.Run("status", "-r", "-n", "-o", "pid,perm,unshare,kind", image.Path, free.Path);
        Assert.Equal(new[]
        {
            $"{qemu.Pid} read - OFD", $"{flock.Pid} - - flock\\x20FLOCK\\x20WRITE\\x200-EOF", $"{flock.ChildPid} - - flock\\x20FLOCK\\x20WRITE\\x200-EOF",
            $"{virtlockd.Pid} - - virtlockd\\x20POSIX\\x20WRITE\\x200-0", $"{range.Pid} - - range\\x20OFDLCK\\x20WRITE\\x20300-EOF",
            $"{writer.Pid} - resize write-lock\\x20OFDLCK\\x20WRITE\\x20203-203", "- - - -",
        }.Order(), CliFacts.Lines(table.Out).Order());
    }

    [Fact]
    public void A_flock_alone_leaves_the_image_free_for_QEMU_and_is_named()
    {
        using var image = new TempImage();
        using var flock = Locker.Flock(image.Path);
        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        Assert.Equal(["perm=-", "unshare=-", "other locks (not QEMU's protocol):"], lines[..3]);
        var (header, rows, meanings) = OtherLocks(lines);
        Assert.Equal(Header, header);
        Assert.Equal(new[] { flock.Pid, flock.ChildPid }.Select(p => Row(p, Locker.FdOn(p, image.Path), "flock", "FLOCK", "WRITE", "0", "EOF", p)).Order(), rows.Order());
        Assert.Equal([FlockMeaning], meanings);
        // Free for QEMU's protocol: -q says so, and QEMU's most exclusive grant passes.
        Assert.Equal(0, Imagelock.Run("status", "-q", image.Path).Exit);
        var all = Imagelock.Run("hold", "--perm", "all", "--unshare", "all", image.Path, "--", "true");
        Assert.True(all.Exit == 0, CliFacts.Describe(all));
    }

    [Fact]
    public void A_whole_file_write_lock_is_a_range_that_makes_QEMU_fail_on_byte_100()
    {
        using var image = new TempImage();
        using var lockd = Locker.Fcntl("ofd", "write", "0", "EOF", image.Path);
        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        // QEMU sees every byte held; no QEMU holder table, and no "not identified": the range explains the bytes.
        Assert.Equal(["perm=read,write,write-unchanged,resize", "unshare=read,write,write-unchanged,resize",
            "legacy=104,204 (bytes of QEMU <= 6.2's graph-mod permission)", "other locks (not QEMU's protocol):"], lines[..4]);
        var (_, rows, meanings) = OtherLocks(lines);
        Assert.Equal([Row(lockd.Pid, Locker.FdOn(lockd.Pid, image.Path), "range", "OFDLCK", "WRITE", "0", "EOF", lockd.Pid)], rows);
        Assert.Equal(["range 0-EOF (the whole file): an fcntl WRITE lock beyond QEMU's bytes (cloud-hypervisor, locknloop): " +
            "a QEMU that takes byte 100 fails with \"Failed to lock byte 100\""], meanings);
        var reader = Imagelock.Run("hold", "--perm", "read", image.Path, "--", "true");
        Assert.Equal(1, reader.Exit);
        Assert.StartsWith("imagelock: Failed to lock byte 100\n", reader.Err);
        Assert.Equal(1, Imagelock.Run("status", "-q", image.Path).Exit);
    }

    [Fact]
    public void A_whole_file_POSIX_read_lock_looks_to_QEMU_like_every_permission_used_and_forbidden()
    {
        using var image = new TempImage();
        using var reader = Locker.Fcntl("posix", "read", "0", "EOF", image.Path);
        var r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var (_, rows, meanings) = OtherLocks(CliFacts.Lines(r.Out));
        Assert.Equal([Row(reader.Pid, Locker.FdOn(reader.Pid, image.Path), "range", "POSIX", "READ", "0", "EOF", reader.Pid)], rows);
        Assert.Equal(["range 0-EOF (the whole file): an fcntl READ lock beyond QEMU's bytes (cloud-hypervisor, locknloop): " +
            "a QEMU that uses consistent read fails with \"Failed to get \"consistent read\" lock\""], meanings);
        var qemu = Imagelock.Run("hold", "--perm", "read", image.Path, "--", "true");
        Assert.Equal(1, qemu.Exit);
        Assert.StartsWith("imagelock: Failed to get \"consistent read\" lock\n", qemu.Err);
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);
}
