using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>CMD never runs without the lease, whatever kills imagelock and whenever: CMD inherits the image's open file
/// description, so its OFD locks last while CMD lives; once CMD is gone, nothing is held.</summary>
public sealed class HoldLifetimeTests
{
    public static TheoryData<string, int> Signals => new()
    {
        { "KILL", 137 }, { "HUP", 129 }, { "QUIT", 0 }, { "TERM", 143 }, { "USR1", 138 },
    };

    /// <summary>CMD: optionally a first command, then it writes its pid and lives <paramref name="tenths"/> × 0.1 s in short sleeps.</summary>
    private static string[] HoldArgs(string image, string pidFile, string marker, string first = "", int tenths = 15) =>
        ["hold", "--perm", "read,write", "--unshare", "write", image, "--",
         "sh", "-c", first + $"echo $$ > \"$0\"; i=0; while [ $i -lt {tenths} ]; do i=$((i+1)); sleep 0.1; done", pidFile, marker];

    /// <summary>Whether this process ignores SIGHUP (started under nohup): imagelock, its child, then ignores it too.</summary>
    private static bool HupIgnored => File.ReadLines("/proc/self/status").First(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))
        is var line && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (Native.SIGHUP - 1))) != 0;

    [Theory]
    [MemberData(nameof(Signals))]
    public void Signal_right_after_the_spawn_never_leaves_CMD_without_the_lease(string signal, int expectedExit)
    {
        using var image = new TempImage();
        string marker = "cmd-" + Guid.NewGuid().ToString("N");
        using var cmd = new Cmd(image.Sibling("cmd.pid"), marker);
        // CMD's very first act is to signal imagelock, its parent: the earliest moment after the spawn there is.
        // A signal imagelock passes on (TERM, HUP) ends CMD, so CMD lives until it does (up to 10 minutes). A SIGHUP
        // ignored when imagelock starts (nohup, as CI may run) stays ignored, as nohup means: CMD then runs to its end.
        if (signal == "HUP" && HupIgnored) expectedExit = 0;
        bool passedOn = expectedExit != 0 && signal is "TERM" or "HUP";
        using var hold = Imagelock.Start(HoldArgs(image.Path, image.Sibling("cmd.pid"), marker, $"kill -s {signal} $PPID; ",
            tenths: passedOn ? 6000 : 15));
        AssertHeldWhileCmdLives(image.Path, cmd, hold);
        Assert.True(hold.WaitForExit(TimeSpan.FromSeconds(30)), hold.ToString());
        Assert.True(hold.ExitCode == expectedExit, $"exit {hold.ExitCode}, expected {expectedExit}: {hold}");
        AssertFreeOnceCmdIsGone(image.Path, cmd);
    }

    [Fact]
    public void Signals_at_random_moments_never_leave_CMD_without_the_lease()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        string[] signals = ["KILL", "HUP", "QUIT", "TERM", "USR1"];
        for (int round = 0; round < 8; round++)
        {
            string signal = signals[random.Next(signals.Length)];
            int delayMs = random.Next(0, 1500);
            string context = $"seed {seed}, round {round}: SIG{signal} after {delayMs} ms";
            using var image = new TempImage();
            string marker = "cmd-" + Guid.NewGuid().ToString("N");
            using var cmd = new Cmd(image.Sibling("cmd.pid"), marker);
            using var hold = Imagelock.Start(HoldArgs(image.Path, image.Sibling("cmd.pid"), marker));
            Thread.Sleep(delayMs);
            hold.Signal(Native.Signal(signal));
            if (signal == "QUIT") hold.Signal(Native.SIGKILL); // SIGQUIT is left to CMD; end imagelock too
            Assert.True(hold.WaitForExit(TimeSpan.FromSeconds(30)), $"{context}: {hold}");
            // CMD may have started just before imagelock died: it writes its pid right away.
            Poll.Until(() => cmd.Pid != 0, TimeSpan.FromMilliseconds(500));
            AssertHeldWhileCmdLives(image.Path, cmd, hold, context);
            AssertFreeOnceCmdIsGone(image.Path, cmd, context);
        }
    }

    /// <summary>Until CMD is gone: whenever CMD is alive both before and after a probe, the image is held as hold asked.</summary>
    private static void AssertHeldWhileCmdLives(string image, Cmd cmd, ChildProcess hold, string context = "")
    {
        Poll.Until(() => cmd.Pid != 0 || hold.HasExited, TimeSpan.FromSeconds(20));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (cmd.IsAlive && DateTime.UtcNow < until)
        {
            var status = ImageStatus.Probe(image, identifyHolders: false);
            bool held = (status.Perm & Perm.Write) != 0 && (status.Unshare & Unshare.Write) != 0;
            if (!held && cmd.IsAlive)
                Assert.Fail($"{context}: CMD (pid {cmd.Pid}) runs without the lease (perm={status.Perm} unshare={status.Unshare}); hold: {hold}");
            Thread.Sleep(20);
        }
        Assert.False(cmd.IsAlive, $"{context}: CMD never ended");
    }

    private static void AssertFreeOnceCmdIsGone(string image, Cmd cmd, string context = "")
    {
        // CMD's last short sleep may hold the descriptor a moment longer than CMD itself.
        Assert.True(Poll.Until(() => ImageStatus.Probe(image, identifyHolders: false).IsFree, TimeSpan.FromSeconds(10)),
            $"{context}: [{image}] still held after CMD (pid {cmd.Pid}) ended");
    }
}
