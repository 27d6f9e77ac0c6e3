using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary><c>hold --wait</c> tells a person on a terminal who is in the way, and is quiet when stderr is not a terminal.</summary>
public sealed class WaitProgressTests
{
    private static string HoldCommandLine(string image, string redirect = "")
    {
        var (file, prefix) = DotnetApp.Locate(Imagelock.Name);
        string[] argv = [file, .. prefix, "hold", "--wait", "60", "--perm", "read,write", image, "--", "true"];
        return string.Join(' ', argv.Select(Terminal.Quote)) + redirect;
    }

    [Fact]
    public void On_a_terminal_shows_the_image_and_the_holder_pid_while_waiting()
    {
        using var image = new TempImage();
        var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        try
        {
            using var terminal = Terminal.Start(HoldCommandLine(image.Path));
            // The line is rewritten with '\r' every second; it shows up here once the next one ends it (>= 1.5 s).
            bool shown = Poll.Until(() => terminal.StdOut.Contains("waiting for") || terminal.HasExited, TimeSpan.FromMinutes(2));
            Assert.True(shown && !terminal.HasExited, $"no progress line while waiting: {terminal}");
            lease.Dispose();
            Assert.True(terminal.WaitForExit(TimeSpan.FromMinutes(2)), terminal.ToString());
            Assert.True(terminal.ExitCode == 0, terminal.ToString());
            Assert.Contains($"waiting for [{image.Path}]", terminal.StdOut);
            Assert.Contains($"held by pid {Environment.ProcessId}", terminal.StdOut);
            CliFacts.AssertFree(image.Path);
        }
        finally
        {
            lease.Dispose();
        }
    }

    [Fact]
    public void With_stderr_in_a_file_prints_no_progress()
    {
        using var image = new TempImage();
        string errors = image.Sibling("stderr.txt");
        var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        try
        {
            // The same command, still on a terminal for stdout, but stderr goes to a file.
            using var terminal = Terminal.Start(HoldCommandLine(image.Path, " 2>" + Terminal.Quote(errors)));
            Thread.Sleep(3000); // long enough for progress ticks (one per second) had they been printed
            Assert.False(terminal.HasExited, $"hold --wait should still be waiting: {terminal}");
            lease.Dispose();
            Assert.True(terminal.WaitForExit(TimeSpan.FromMinutes(2)), terminal.ToString());
            Assert.True(terminal.ExitCode == 0, terminal.ToString() + File.ReadAllText(errors));
            Assert.Equal("", File.ReadAllText(errors));
            Assert.DoesNotContain("waiting", terminal.StdOut);
            CliFacts.AssertFree(image.Path);
        }
        finally
        {
            lease.Dispose();
        }
    }
}
