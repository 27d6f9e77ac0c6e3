using System.Diagnostics;
using System.Text.Json;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary><c>imagelock status</c> without an image: every file of this host held under QEMU's protocol, from /proc.
/// The host is shared (other tests hold images too), so each test looks at its own files' rows only.</summary>
public sealed class HostStatusTests
{
    private static (int Exit, string Out, string Err) Run(Action<ProcessStartInfo> environment, params string[] args)
    {
        using var child = DotnetApp.Start(Imagelock.Name, args, s => { s.Environment.Remove("COLUMNS"); environment(s); });
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), $"imagelock {string.Join(' ', args)} did not exit: {child}");
        return (child.ExitCode, child.StdOut, child.StdErr);
    }

    private static (int Exit, string Out, string Err) Run(params string[] args) => Run(_ => { }, args);

    private static string CommandLine(int pid) => File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' ');

    /// <summary>A process holding a lock that is not QEMU's protocol: flock(2) on the file, or a POSIX lock on byte 0
    /// (virtlockd's). One process each (the shell execs), so killing it releases the lock.</summary>
    private static ChildProcess ForeignHolder(string script, string path)
    {
        var child = ChildProcess.Start("sh", ["-c", script + "; echo locked; exec sleep 600", "sh", path]);
        Assert.True(Poll.Until(() => child.StdOut.Contains("locked") || child.HasExited, TimeSpan.FromMinutes(1)) && !child.HasExited, child.ToString());
        return child;
    }

    [Fact]
    public void Lists_files_held_under_the_protocol_with_their_holders_and_nothing_else()
    {
        using var image = new TempImage(name: "held.raw");
        string ours = image.Sibling("ours.raw"), free = image.Sibling("free.raw"), flocked = image.Sibling("flocked.raw"), byte0 = image.Sibling("byte0.raw");
        foreach (var f in new[] { ours, free, flocked, byte0 }) TempImage.CreateRaw(f, 1 << 20);

        using var holder = Imagelock.Start("hold", "--perm", "read,write", "--unshare", "write,resize", image.Path);
        CliFacts.WaitHeld(image.Path, holder, Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize);
        using var lease = ImageLease.Acquire(ours, Perm.Read, Unshare.None);
        using var flock = ForeignHolder("exec 9<\"$1\" && flock -s 9", flocked);
        using var posix = ForeignHolder("exec python3 -c 'import fcntl, sys, time; f = open(sys.argv[1], \"r+\"); fcntl.lockf(f, fcntl.LOCK_EX, 1, 0); print(\"locked\", flush=True); time.sleep(600)' \"$1\"", byte0);

        var r = Run("status");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        Assert.Equal(["IMAGE", "PERM", "UNSHARE", "PID", "COMMAND"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        string theirs = Assert.Single(lines, l => l.StartsWith(image.Path + " ", StringComparison.Ordinal));
        Assert.Equal([image.Path, "read,write", "write,resize", holder.Pid.ToString()], theirs.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
        Assert.EndsWith("  " + CommandLine(holder.Pid), theirs);
        string mine = Assert.Single(lines, l => l.StartsWith(ours + " ", StringComparison.Ordinal));
        Assert.Equal([ours, "read", "-", Environment.ProcessId.ToString()], mine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
        foreach (var other in new[] { free, flocked, byte0 })
            Assert.DoesNotContain(lines, l => l.StartsWith(other + " ", StringComparison.Ordinal));
        // The byte-0 lock is seen by the kernel (so the test could fail), just not as QEMU's.
        Assert.Contains(" 0 0", File.ReadAllText("/proc/locks").Split('\n').Single(l => l.Contains($" {posix.Pid} ")));
    }

    [Fact]
    public void Output_columns_noheadings_and_raw_are_lslocks_options()
    {
        using var image = new TempImage(name: "with space.raw");
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Resize, Unshare.Write);
        int fd = (int)lease.Access.Handle.DangerousGetHandle();

        var r = Run("status", "-o", "pid,fd,kind,perm,unshare,path", "--noheadings");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.DoesNotContain(CliFacts.Lines(r.Out), l => l.StartsWith("PID", StringComparison.Ordinal));
        string row = Assert.Single(CliFacts.Lines(r.Out), l => l.EndsWith("  " + image.Path, StringComparison.Ordinal));
        Assert.Equal([Environment.ProcessId.ToString(), fd.ToString(), "OFD", "read,resize", "write"], row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..5]);

        var raw = Run("status", "--raw", "--output=image,pid");
        Assert.True(raw.Exit == 0, CliFacts.Describe(raw));
        var rawLines = CliFacts.Lines(raw.Out);
        Assert.Equal("IMAGE PID", rawLines[0]);
        Assert.Contains($"{image.Path.Replace(" ", "\\x20")} {Environment.ProcessId}", rawLines);

        var bad = Run("status", "-o", "pid,colour");
        Assert.True(bad.Exit == 2, CliFacts.Describe(bad));
        Assert.Contains("unknown column 'COLOUR'", bad.Err);
    }

    [Fact]
    public void Tables_fit_COLUMNS_and_are_whole_in_a_pipe_or_with_notruncate()
    {
        using var image = new TempImage(name: "wide.raw");
        // CMD is a sleep with a name of its own, killed by its pid at the end (it would hold the image for 10 minutes).
        string marker = $"600.{Random.Shared.Next(10_000_000, 99_999_999)}";
        using var cmd = new Cmd(image.Sibling("cmd.pid"), marker);
        using var holder = Imagelock.Start("hold", image.Path, "--", "sh", "-c", "echo $$ > \"$0\"; exec sleep \"$1\"", image.Sibling("cmd.pid"), marker);
        CliFacts.WaitHeld(image.Path, holder, Perm.Read, Unshare.None);
        string command = CommandLine(holder.Pid);
        Assert.True(command.Length > 40, command);

        string Row(string output) => Assert.Single(CliFacts.Lines(output), l => l.StartsWith(image.Path + " ", StringComparison.Ordinal)
            && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] == holder.Pid.ToString());

        var cut = Run(s => s.Environment["COLUMNS"] = "40", "status");
        Assert.True(cut.Exit == 0, CliFacts.Describe(cut));
        string cutRow = Row(cut.Out);
        // The PID column is as wide as the widest pid listed: the cell starts after the pid and its padding.
        string cell = cutRow[(cutRow.LastIndexOf(holder.Pid.ToString() + "  ", StringComparison.Ordinal) + holder.Pid.ToString().Length)..].TrimStart();
        Assert.EndsWith("...", cell);
        Assert.StartsWith(cell[..^3], command);
        Assert.True(cell.Length < command.Length, cutRow);

        Assert.EndsWith("  " + command, Row(Run("status").Out)); // a pipe: whole lines
        Assert.EndsWith("  " + command, Row(Run(s => s.Environment["COLUMNS"] = "40", "status", "-u").Out));
        // The holder table of one image fits too.
        var one = Run(s => s.Environment["COLUMNS"] = "40", "status", image.Path);
        Assert.Contains(CliFacts.Lines(one.Out), l => l.TrimStart().StartsWith(holder.Pid + " ", StringComparison.Ordinal) && l.EndsWith("...", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_of_the_host_names_each_file_with_device_inode_and_holders()
    {
        using var image = new TempImage(name: "dïsk.raw");
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.WriteUnchanged, Unshare.Resize);
        var r = Run("status", "-J");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Contains("dïsk.raw", r.Out); // unescaped, not d\u00EFsk
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt32());
        var entry = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray(), e => JsonPaths.Is(e, image.Path));
        Assert.Equal(["consistent-read", "write-unchanged"], entry.GetProperty("perm").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["resize"], entry.GetProperty("unshare").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Inode(image.Path), entry.GetProperty("inode").GetUInt64());
        var holder = Assert.Single(entry.GetProperty("holders").EnumerateArray());
        Assert.Equal(Environment.ProcessId, holder.GetProperty("pid").GetInt32());
        Assert.Equal((int)lease.Access.Handle.DangerousGetHandle(), holder.GetProperty("fd").GetInt32());
    }

    private static ulong Inode(string path) =>
        ulong.Parse(ChildProcess.Start("stat", ["-c", "%i", path]) is var c && c.WaitForExit(TimeSpan.FromMinutes(1)) ? c.StdOut.Trim() : "0");

    [Fact]
    public void Check_prints_nothing_and_answers_with_its_exit_status()
    {
        using var image = new TempImage();
        var free = Run("status", "-q", image.Path);
        Assert.Equal((0, "", ""), free);

        using var holder = Imagelock.Start("hold", "--perm", "read", "--unshare", "write", image.Path);
        CliFacts.WaitHeld(image.Path, holder, Perm.Read, Unshare.Write);
        Assert.Equal((1, "", ""), Run("status", "--check", image.Path));
        Assert.Equal((0, "", ""), Run("status", "-q", "--perm", "read", "--unshare", "resize", image.Path));
        Assert.Equal((1, "", ""), Run("status", "-q", "--perm", "read,write", image.Path));          // write is unshared
        Assert.Equal((1, "", ""), Run("status", "-q", "--perm", "read", "--unshare", "read", image.Path)); // read is in use

        var missing = Run("status", "-q", image.Sibling("missing.raw"));
        Assert.True(missing.Exit == 2 && missing.Out == "", CliFacts.Describe(missing));
        Assert.Contains("missing.raw", missing.Err);
        var grantAlone = Run("status", "--perm", "read", image.Path);
        Assert.True(grantAlone.Exit == 2, CliFacts.Describe(grantAlone));
        Assert.Contains("--perm and --unshare go with -q/--check", grantAlone.Err);
    }

    [Fact]
    public void Check_of_a_qcow2_image_needs_f_and_then_checks_every_file_QEMU_opens_for_it()
    {
        using var image = new TempImage(name: "base.raw");
        string overlay = image.Sibling("overlay.qcow2");
        Qcow2Writer.Create(overlay, backing: "base.raw", backingFormat: "raw");

        // Without -f: refused with hold's hint, not answered for the overlay file alone (its backing file would go unchecked).
        var guessed = Run("status", "-q", overlay);
        Assert.Equal((2, ""), (guessed.Exit, guessed.Out));
        Assert.Equal($"imagelock: '{overlay}' has a qcow2 header and no format was given: pass -f qcow2 to take every file QEMU opens " +
            "for it (its data file and backing chain), or -f raw to take this one file.\n", guessed.Err);
        Assert.Equal((0, "", ""), Run("status", "-q", "-f", "qcow2", overlay));
        Assert.Equal((0, "", ""), Run("status", "-q", "-f", "raw", overlay));
        Assert.Equal((0, "", ""), Run("status", "-q", image.Path));          // a raw image without -f, as before

        // A writer on the backing file: the overlay is in use. A reader that shares write passes on to the backing file
        // (QEMU's grant for it shares write too); one that unshares write unshares it on the backing file as well, and
        // conflicts. The overlay file alone (-f raw) is free.
        using var writer = Imagelock.Start("hold", "--perm", "read,write", image.Path);
        CliFacts.WaitHeld(image.Path, writer, Perm.Read | Perm.Write, Unshare.None);
        Assert.Equal((1, "", ""), Run("status", "-q", "-f", "qcow2", overlay));
        Assert.Equal((0, "", ""), Run("status", "-q", "-f", "qcow2", "--perm", "read", overlay));
        Assert.Equal((1, "", ""), Run("status", "-q", "-f", "qcow2", "--perm", "read", "--unshare", "write", overlay));
        Assert.Equal((0, "", ""), Run("status", "-q", "-f", "raw", "--perm", "read", "--unshare", "write", overlay));
        Assert.Equal((0, "", ""), Run("status", "-q", "-f", "raw", overlay));
        Assert.Equal((1, "", ""), Run("status", "-q", image.Path));
    }

    [Fact]
    public void Json_usage_error_is_an_error_object_with_a_code()
    {
        var r = Run("status", "--json", "--bogus");
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        using var doc = JsonDocument.Parse(r.Out);
        Assert.Equal(1, doc.RootElement.GetProperty("version").GetInt32());
        Assert.Equal("usage", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("unknown option '--bogus'", doc.RootElement.GetProperty("error").GetProperty("message").GetString());

        using var image = new TempImage();
        var missing = Run("status", "--json", image.Sibling("nothere.raw"), image.Path);
        Assert.True(missing.Exit == 2, CliFacts.Describe(missing));
        using var doc2 = JsonDocument.Parse(missing.Out);
        var entries = doc2.RootElement.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal("not-found", entries[0].GetProperty("error").GetProperty("code").GetString());
        Assert.False(entries[0].TryGetProperty("perm", out _));
        Assert.Equal(0, entries[1].GetProperty("perm").GetArrayLength());
    }
}
