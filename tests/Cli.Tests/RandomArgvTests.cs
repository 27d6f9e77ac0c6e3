using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>Generated command lines: whatever the arguments, imagelock ends with a message and a documented exit status,
/// never a stack trace, and holds nothing afterwards. A failure prints the seed and the argument vector.</summary>
public sealed class RandomArgvTests
{
    // Exit statuses imagelock documents, plus the CMDs' own (3) and a hold ended by the test's SIGTERM (0, or 143 while waiting).
    private static readonly int[] Documented = [0, 1, 2, 3, 125, 126, 127, 143];

    [Fact]
    public void Random_argument_vectors_give_a_documented_exit_status_and_leave_nothing_held()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("IMAGELOCK_ARGV_SEED"), out int s) ? s : Environment.TickCount;
        var random = new Random(seed);
        using var image = new TempImage();
        string[] tokens =
        [
            "hold", "status", "demo", "help", "--help", "-h", "--version", "--", "-", "--perm", "--unshare", "--wait", "--posix",
            "--json", "--bogus", "-x", "read", "write", "read,write", "all", "consistent-read", "write-unchanged,resize", "rwx",
            "", " ", "\t", "0", "0.2", "-1", "1e300", "inf", "nan", "NaN", "1e-300", "soon",
            image.Path, image.Path, image.Path, image.Directory, image.Sibling("missing.raw"), "/dev/null", "/",
            "sh", "-c", "exit 3", "true", "false", "/nonexistent", "\u001b[2J", "caf\u00e9", "\u202e", "a\nb", "ääääää",
        ];
        for (int round = 0; round < 40; round++)
        {
            var argv = new List<string>();
            if (random.Next(3) > 0) argv.Add(random.Next(2) == 0 ? "hold" : "status");
            int n = random.Next(0, 8);
            for (int i = 0; i < n; i++)
                argv.Add(random.Next(10) == 0 ? RandomText(random) : tokens[random.Next(tokens.Length)]);
            string context = $"seed {seed} (IMAGELOCK_ARGV_SEED), round {round}: imagelock {string.Join(' ', argv.Select(a => $"'{a}'"))}";

            using var child = Imagelock.Start([.. argv]);
            if (!child.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                // A hold without CMD (or one still waiting) holds until a signal: end it as a user would.
                child.Signal(Native.SIGTERM);
                Assert.True(child.WaitForExit(TimeSpan.FromSeconds(30)), $"{context}: did not end on SIGTERM: {child}");
            }
            Assert.True(Documented.Contains(child.ExitCode), $"{context}: undocumented exit status {child.ExitCode}: {child}");
            Assert.DoesNotContain("Unhandled exception", child.StdErr);
            Assert.DoesNotContain("   at ", child.StdErr);
            Assert.True(ImageStatus.Probe(image.Path, identifyHolders: false).IsFree, $"{context}: [{image.Path}] still held: {child}");
        }
    }

    private static string RandomText(Random random)
    {
        var chars = new char[random.Next(0, 12)];
        for (int i = 0; i < chars.Length; i++)
            chars[i] = random.Next(4) switch { 0 => (char)random.Next(1, 32), 1 => (char)random.Next(0x20, 0x7f), 2 => '-', _ => (char)random.Next(0xa0, 0x2000) };
        return new string(chars);
    }
}
