using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>
/// README's "Five minutes", as a reader does it, in the project README's install made: the two files of step 1 as
/// shown, then step 4's commands run as one shell script exactly as README prints them (qemu-img, dotnet run, a
/// background qemu-io, imagelock from the tool README installed). The image README has qemu-img create must come out
/// byte for byte as qemu-img creates it: the walkthrough reads the image file, it never writes a qcow2 header.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed partial class ReadmeWalkthroughTests(PackedFeed feed)
{
    [QemuFact]
    public void Five_minutes_runs_as_shown_and_leaves_the_qcow2_image_as_qemu_img_created_it()
    {
        var blocks = Markdown.Blocks(Path.Combine(feed.Checkout, "README.md")).Where(b => b.Section == "Five minutes").ToList();
        var files = blocks.Where(b => b.Language == "csharp" && !b.IsFragment).Select(b => b.Code).ToList();
        Assert.Equal(2, files.Count);
        File.WriteAllText(Path.Combine(feed.Project, "ImageHeader.cs"), files[0]);
        File.WriteAllText(Path.Combine(feed.Project, "Program.cs"), files[1]);
        int step4 = blocks.FindIndex(b => b.Language == "sh");
        string commands = blocks[step4].Code;
        string[] promised = blocks[step4 + 1].Code.TrimEnd('\n').Split('\n'); // the output block after the commands

        // The script's background job (sleep | qemu-io) is the test's to stop: `kill %1` signals exactly its PIDs.
        var run = Dotnet.Exec(feed.Project, Environment, "bash", "-c", commands + "kill %1 2>/dev/null; wait\n");

        // No imagelock error: one from the wait loop's `status -q` would end the wait at once (a race again).
        Assert.DoesNotContain("imagelock: ", run.Output);
        Assert.True(Regex.IsMatch(run.Output, "(?m)^514649FB$"), run.Output);          // first run: the header's magic
        Assert.True(run.Output.Contains(promised[0] + "\n" + promised[1] + "\n", StringComparison.Ordinal), run.Output); // refused
        // Who holds it: the refusal names qemu-io as README shows, unless its 50 ms scan budget ran out (a loaded
        // machine; it then says so); `imagelock status` names it in its table either way.
        Assert.True(Holder(promised[2]).IsMatch(run.Output) || run.Output.Contains("Stopped naming holders of byte", StringComparison.Ordinal), run.Output);
        Assert.True(StatusRow(promised[2]).IsMatch(run.Output), run.Output);
        string image = Path.Combine(feed.Project, "disk.qcow2");
        Assert.Contains("\"format\": \"qcow2\"", Tool("qemu-img", "info", "--output=json", image).Output);
        Tool("qemu-img", "check", image);
        Assert.Equal(Sha256(Created(commands.Split('\n')[0])), Sha256(image));
        Assert.StartsWith("perm=-\nunshare=-", Tool(Path.Combine(feed.Home, ".dotnet", "tools", "imagelock"), "status", image).Output);
    }

    /// <summary>README's example line with its pid and descriptor numbers as any numbers.</summary>
    private static Regex Holder(string line) =>
        new(Numbers().Replace(Regex.Escape(line), m => m.Groups[1].Value + @"\d+"));

    [GeneratedRegex(@"(pid\\ |fd\\ )\d+")]
    private static partial Regex Numbers();

    /// <summary>The holder of README's example line as a row of `imagelock status`'s table: PID FD PERM UNSHARE COMMAND.</summary>
    private static Regex StatusRow(string line)
    {
        var holder = HolderParts().Match(line);
        Assert.True(holder.Success, $"README's holder line changed form: {line}");
        return new Regex($@"(?m)^\s*\d+\s+\d+\s+{Regex.Escape(holder.Groups["perm"].Value)}\s+{Regex.Escape(holder.Groups["unshare"].Value)}\s+{Regex.Escape(holder.Groups["command"].Value)}$");
    }

    [GeneratedRegex(@"\((?<command>[^)]*)\): perm=(?<perm>\S+) unshare=(?<unshare>\S+)$")]
    private static partial Regex HolderParts();

    /// <summary>What README's <c>qemu-img create</c> line makes, made on its own in a directory of its own.</summary>
    private string Created(string createLine)
    {
        string dir = Directory.CreateDirectory(Path.Combine(feed.Root, "walkthrough-reference")).FullName;
        Dotnet.Exec(dir, Environment, "bash", "-c", createLine).EnsureSuccess();
        return Path.Combine(dir, "disk.qcow2");
    }

    private Run Tool(string tool, params string[] args) => Dotnet.Exec(feed.Project, Environment, tool, args).EnsureSuccess();

    private static string Sha256(string file) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));

    /// <summary>The reader's shell after README's install: the global tools folder on PATH, as `dotnet tool install -g` asks.</summary>
    private IDictionary<string, string?> Environment
    {
        get
        {
            var environment = feed.Environment;
            environment["PATH"] = Path.Combine(feed.Home, ".dotnet", "tools") + ":" + System.Environment.GetEnvironmentVariable("PATH");
            return environment;
        }
    }
}
