using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>On a terminal imagelock prints its text and nothing else: no terminfo keypad_xmit (<c>ESC[?1h ESC=</c>).</summary>
public sealed class TerminalOutputTests
{
    private static string OnTerminal(params string[] args)
    {
        using var terminal = Terminal.Start(Terminal.ImagelockCommandLine(args));
        Assert.True(terminal.WaitForExit(TimeSpan.FromSeconds(60)), terminal.ToString());
        return terminal.StdOut;
    }

    [Fact]
    public void Status_shows_only_its_lines()
    {
        using var image = new TempImage();
        string shown = OnTerminal("status", image.Path);
        Assert.DoesNotContain('\u001b', shown);
        Assert.StartsWith("perm=-", shown);
    }

    [Fact]
    public void Version_and_an_error_show_no_escape_sequence()
    {
        using var image = new TempImage();
        Assert.StartsWith("imagelock ", OnTerminal("--version"));
        string error = OnTerminal("status", image.Sibling("missing.raw"));
        Assert.DoesNotContain('\u001b', error);
        Assert.StartsWith("imagelock: ", error);
    }

    [Fact]
    public void Output_to_a_file_moves_the_offset_it_shares_with_the_shell()
    {
        using var image = new TempImage();
        string file = image.Sibling("out.txt");
        string line = Terminal.ImagelockCommandLine("status", image.Path) + "; echo after";
        using var shell = ChildProcess.Start("sh", ["-c", $"{{ echo before; {line}; }} > {Terminal.Quote(file)}"]);
        Assert.True(shell.WaitForExit(TimeSpan.FromSeconds(60)), shell.ToString());
        Assert.Equal("before\nperm=-\nunshare=-\nafter\n", File.ReadAllText(file));
    }
}
