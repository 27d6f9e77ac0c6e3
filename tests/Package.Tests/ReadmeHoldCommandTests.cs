namespace ImageLock.Package.Tests;

/// <summary>
/// The `imagelock hold` example of README's "Usage: the command" and the tool package's README (src/Cli/PACKAGE.md),
/// run as written (taken from the files at test time) with the imagelock README's install put on PATH, in a directory
/// with a qcow2 disk.qcow2: the copy is made while the image is held, byte for byte, and the image is free afterwards.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ReadmeHoldCommandTests(PackedFeed feed)
{
    [QemuFact]
    public void Readme_hold_example_copies_the_image_while_it_is_held()
    {
        var (dir, _) = RunBlock("README.md", "Usage: the command");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "disk.qcow2")), File.ReadAllBytes(Path.Combine(dir, "backup.qcow2")));
    }

    [QemuFact]
    public void Tool_package_readme_examples_copy_the_image_and_show_it_free_again()
    {
        var (dir, run) = RunBlock("src/Cli/PACKAGE.md", "");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "disk.qcow2")), File.ReadAllBytes(Path.Combine(dir, "backup.qcow2")));
        Assert.StartsWith("image: disk.qcow2 (qcow2)\nperm=-\nunshare=-\n", run.Output); // -f qcow2: one block per file
    }

    /// <summary>The file's shell block of that section as one script, in a new directory holding a fresh qcow2 disk.qcow2.</summary>
    private (string Directory, Run Run) RunBlock(string file, string section)
    {
        var block = Assert.Single(Markdown.Blocks(Path.Combine(feed.Checkout, file)), b => b.Section == section && b.Language == "sh");
        string dir = Directory.CreateDirectory(Path.Combine(feed.Root, "hold-" + Path.GetFileNameWithoutExtension(file))).FullName;
        Dotnet.Exec(dir, null, "qemu-img", "create", "-q", "-f", "qcow2", "disk.qcow2", "64M").EnsureSuccess();
        var environment = feed.Environment;
        environment["PATH"] = Path.Combine(feed.Home, ".dotnet", "tools") + ":" + Environment.GetEnvironmentVariable("PATH");
        return (dir, Dotnet.Exec(dir, environment, "bash", "-euo", "pipefail", "-c", block.Code).EnsureSuccess());
    }
}
