using System.Text.Json;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>Other users' text (holders' command lines, file names) reaches a terminal with control characters visibly
/// escaped, so it can neither drive the terminal nor forge a line; JSON carries it exactly.</summary>
public sealed class TerminalTextTests
{
    private const string Hostile = "x\u001b[2J\nFORGED";

    [Fact]
    public void A_holders_command_line_is_escaped_in_status_and_conflicts_and_exact_in_JSON()
    {
        using var image = new TempImage();
        using var other = new TempImage();
        // hold's CMD inherits the descriptor, so the sh below, with the hostile argument, is a holder too.
        using var holder = Imagelock.Start("hold", "--perm", "read,write", "--unshare", "write", image.Path, "--",
            "sh", "-c", "while :; do sleep 0.1; done", Hostile);
        try
        {
            CliFacts.WaitHeld(image.Path, holder, Perm.Read | Perm.Write, Unshare.Write);
            foreach (var args in new[] { new[] { "status", image.Path }, ["status", image.Path, other.Path] })
            {
                var r = Imagelock.Run(args);
                Assert.True(r.Exit == 0, CliFacts.Describe(r));
                AssertEscaped(r.Out);
            }

            var conflict = Imagelock.Run("hold", "--perm", "write", image.Path, "--", "true");
            Assert.True(conflict.Exit == 1, CliFacts.Describe(conflict));
            Assert.Contains("Failed to get \"write\" lock", conflict.Err);
            // imagelock names every holder (no scan budget: Refusals), so the hostile command line is always shown.
            Assert.DoesNotContain("Stopped naming", conflict.Err);
            AssertEscaped(conflict.Err);

            var json = Imagelock.Run("status", "--json", image.Path);
            Assert.True(json.Exit == 0, CliFacts.Describe(json));
            using var doc = JsonDocument.Parse(json.Out);
            var commands = doc.RootElement.GetProperty("images")[0].GetProperty("holders").EnumerateArray().Select(h => h.GetProperty("command").GetString()).ToList();
            Assert.Contains(commands, c => c!.Contains(Hostile));
        }
        finally
        {
            holder.Signal(Native.SIGTERM); // passed on to its sh; the lease goes when sh has exited
            holder.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void A_file_name_is_escaped_in_the_table()
    {
        using var image = new TempImage();
        TempImage.CreateRaw(image.Sibling("evil\u001b[31m\nFORGED.raw"), 1 << 20);
        var r = Imagelock.Run("status", image.Directory);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Contains("evil\\e[31m\\nFORGED.raw", r.Out);
        Assert.DoesNotContain('\u001b', r.Out);
        Assert.DoesNotContain(CliFacts.Lines(r.Out), l => l.StartsWith("FORGED"));
    }

    private static void AssertEscaped(string text)
    {
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain(CliFacts.Lines(text), l => l.StartsWith("FORGED"));
        Assert.Contains("x\\e[2J\\nFORGED", text);
    }
}
