using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>CMD starts as it would from a shell, holding the image's descriptor: default signal dispositions, an
/// empty signal mask, the exact argument bytes, and a shell's 126/127 when it cannot be run.</summary>
public sealed class HoldSpawnTests
{
    [Fact]
    public void CMD_inherits_the_image_descriptor_and_so_holds_the_lease_itself()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", "--perm", "read,write", image.Path, "--", "sh", "-c", "ls -l /proc/$$/fd; echo done");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Contains("done", r.Out);
        Assert.Single(CliFacts.Lines(r.Out), l => l.EndsWith("-> " + image.Path));
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void A_conflict_names_hold_and_CMD_both_holding_the_one_descriptor()
    {
        using var image = new TempImage();
        string marker = "cmd-" + Guid.NewGuid().ToString("N");
        using var cmd = new Cmd(image.Sibling("cmd.pid"), marker);
        using var hold = Imagelock.Start("hold", "--unshare", "write", image.Path, "--",
            "bash", "-c", "echo $$ > \"$0\"; exec -a \"$1\" sleep 600", image.Sibling("cmd.pid"), marker);
        CliFacts.WaitHeld(image.Path, hold, Perm.Read, Unshare.Write);
        Assert.True(Poll.Until(() => cmd.IsAlive, TimeSpan.FromMinutes(1)), hold.ToString());

        // One owner, two processes: the scan stops looking at imagelock's descriptors once the owner is found there,
        // and still looks at every other process, so CMD, which holds the lease too, is named.
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Write, Unshare.None,
            new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }));
        Assert.Equal(new[] { hold.Pid, cmd.Pid }.Order(), e.Holders.Select(h => h.Pid).Order());
        Assert.True(e.HoldersComplete, e.Message);
    }

    [Fact]
    public void CMD_starts_with_default_signal_dispositions_and_an_empty_mask()
    {
        using var image = new TempImage();
        // CMD is grep itself, reading its own status: what posix_spawn gave it, before any shell changes its mask.
        var r = Imagelock.Run("hold", image.Path, "--", "grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var fields = SignalFields(r.Out);
        Assert.Equal(0UL, fields["SigBlk"]);
        // Nothing ignored (glibc's internal 32 and 33 included) but what this test process was started ignoring, as under
        // nohup; SIGPIPE, which the runtime ignores, is at its default.
        Assert.True(fields["SigIgn"] == IgnoredHereAtStart, $"CMD ignores {fields["SigIgn"]:x16}, expected {IgnoredHereAtStart:x16}\n{CliFacts.Describe(r)}");

        // The runtime ignores SIGPIPE; a shell's child would not. 'yes | head -1' shows it: yes must die of SIGPIPE quietly.
        r = Imagelock.Run("hold", image.Path, "--", "sh", "-c", "yes | head -1");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Equal("y", CliFacts.Lines(r.Out).Single());
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void Signals_ignored_when_imagelock_starts_stay_ignored_in_CMD_as_a_shell_passes_them_on()
    {
        using var image = new TempImage();
        // nohup's SIGHUP, and any other signal ignored at our start, is ignored in CMD too: 'nohup imagelock hold … -- CMD'
        // keeps CMD alive when the terminal hangs up, as 'nohup flock … CMD' does.
        var r = InShell.Run("""
            trap '' HUP USR1
            exec "$@" hold "$IMAGE" -- grep -E '^Sig(Ign|Blk):' /proc/self/status
            """, ("IMAGE", image.Path));
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        ulong expected = IgnoredHereAtStart | Bit(Native.SIGHUP) | Bit(Native.SIGUSR1);
        ulong ignored = SignalFields(r.Out)["SigIgn"];
        Assert.True(ignored == expected, $"CMD ignores {ignored:x16}, expected {expected:x16}\n{CliFacts.Describe(r)}");
    }

    private static ulong Bit(int signal) => 1UL << (signal - 1);

    private static Dictionary<string, ulong> SignalFields(string grepOutput) =>
        CliFacts.Lines(grepOutput).ToDictionary(l => l[..6], l => Convert.ToUInt64(l[7..].Trim(), 16));

    /// <summary>What this process ignores but SIGPIPE (the runtime's own): what it was started ignoring, which
    /// Process.Start passes on to imagelock.</summary>
    private static ulong IgnoredHereAtStart =>
        SignalFields(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)))["SigIgn"]
        & ~Bit(Native.SIGPIPE);

    [Fact]
    public void Arguments_that_are_not_UTF8_reach_the_image_and_CMD_byte_for_byte()
    {
        using var image = new TempImage();
        // 'caf\xe9.raw', and the decoy the runtime's U+FFFD decoding would name instead: 'caf\xef\xbf\xbd.raw'.
        var r = InShell.Run("""
            name=$(printf 'caf\351.raw'); decoy=$(printf 'caf\357\277\275.raw')
            truncate -s 1M "$DIR/$name" "$DIR/$decoy"
            "$@" hold --perm read,write "$DIR/$name" -- sh -c '
              for f in /proc/$$/fd/*; do readlink "$f"; done | grep -c "$1"
              printf %s "$1" | od -An -tx1' sh "$name"
            """, ("DIR", image.Directory), ("LC_ALL", "C"));
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        var lines = CliFacts.Lines(r.Out);
        Assert.Equal("1", lines[0].Trim()); // CMD holds the descriptor of caf\xe9.raw, not of the decoy
        Assert.Equal("63 61 66 e9 2e 72 61 77", lines[1].Trim());
    }

    [Fact]
    public void CMD_not_found_exits_127_with_a_shells_message_and_releases()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", "--perm", "read,write", image.Path, "--", "/nonexistent/command", "arg");
        Assert.True(r.Exit == 127, CliFacts.Describe(r));
        Assert.Equal("imagelock: /nonexistent/command: No such file or directory", r.Err.TrimEnd());
        CliFacts.AssertFree(image.Path);

        r = Imagelock.Run("hold", image.Path, "--", "no-such-command-" + Guid.NewGuid().ToString("N"));
        Assert.True(r.Exit == 127, CliFacts.Describe(r));
        Assert.EndsWith(": No such file or directory", r.Err.TrimEnd());
    }

    [Fact]
    public void CMD_that_cannot_be_executed_exits_126_with_a_shells_message_and_releases()
    {
        using var image = new TempImage();
        string script = image.Sibling("not-executable.sh");
        File.WriteAllText(script, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite); // no x bit: EACCES, even for root
        var r = Imagelock.Run("hold", image.Path, "--", script);
        Assert.True(r.Exit == 126, CliFacts.Describe(r));
        Assert.Equal($"imagelock: {script}: Permission denied", r.Err.TrimEnd());
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void CMD_killed_by_a_signal_exits_128_plus_the_signal()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", image.Path, "--", "sh", "-c", "kill -s KILL $$");
        Assert.True(r.Exit == 137, CliFacts.Describe(r));
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Posix_mode_refuses_CMD_and_runs_nothing()
    {
        using var image = new TempImage();
        string ran = image.Sibling("ran");
        var r = Imagelock.Run("hold", "--posix", image.Path, "--", "touch", ran);
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Contains("imagelock: hold: --posix cannot run CMD", r.Err);
        Assert.Contains("POSIX locks belong to one process", r.Err);
        Assert.False(File.Exists(ran), "CMD ran");
        CliFacts.AssertFree(image.Path);
    }
}
