using BackupTool;
using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Samples;

/// <summary>samples/BackupTool against real QEMU: refused while a qemu-io writer holds a qcow2 image, succeeds once
/// the writer exits, and keeps qemu-img resize out while it copies.</summary>
public sealed class BackupToolTests
{
    [QemuFact]
    public async Task Refused_while_a_qemu_io_writer_holds_the_qcow2_image_and_nothing_is_written()
    {
        using var writer = QemuIo.Start("qemu-io (rw)", "qcow2", new TempDir());
        string destination = Path.Combine(writer.Dir, "backup.qcow2");

        var conflict = await Assert.ThrowsAsync<ImageLockConflictException>(
            () => new ImageCopier().CopyAsync(writer.Image, destination, null, CancellationToken.None));

        Assert.Equal("Failed to get shared \"write\" lock", conflict.QemuMessage);
        // Named within the default 50 ms scan budget, or the refusal says the budget ran out (a loaded machine).
        Assert.True(conflict.Holders.Any(h => h.Pid == writer.Process.Pid) || !conflict.HoldersComplete, conflict.Message);
        Assert.False(File.Exists(destination));
        var explanation = Refusal.Explain(conflict);
        Assert.Contains("another program is writing to it", explanation);
        Assert.Contains($"pid {writer.Process.Pid}", explanation);
        Assert.True(ImageStatus.Probe(writer.Image).Holders.All(h => h.Pid == writer.Process.Pid), "the refused copy left a lock behind");
    }

    [QemuFact]
    public async Task Succeeds_and_verifies_once_the_writer_exits()
    {
        using var writer = QemuIo.Start("qemu-io (rw)", "qcow2", new TempDir());
        string destination = Path.Combine(writer.Dir, "backup.qcow2");
        var copier = new ImageCopier();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var copy = copier.CopyWhenFreeAsync(writer.Image, destination, null, timeout.Token);
        await Task.Delay(300);
        Assert.False(copy.IsCompleted, "the copy must wait while the writer holds the image");
        writer.Process.Stop();

        var result = await copy;
        Assert.Equal(TempDir.Sha256(writer.Image), result.Sha256.ToUpperInvariant());
        Assert.Equal(TempDir.Sha256(writer.Image), TempDir.Sha256(destination));
        QemuCommand.Run("qemu-img", "check", "-q", destination).EnsureSuccess();
        Assert.True(ImageStatus.Probe(writer.Image).IsFree);
    }

    [QemuFact]
    public async Task Qemu_img_resize_during_the_copy_is_refused()
    {
        using var dir = new TempDir();
        string image = dir.CreateImage("disk.qcow2", "qcow2", size: "8M");
        string before = TempDir.Sha256(image);
        var resize = new ResizeOnFirstProgress(image);

        var result = await new ImageCopier().CopyAsync(image, dir.File("backup.qcow2"), resize, CancellationToken.None);

        Assert.NotNull(resize.Result);
        Assert.Equal(1, resize.Result!.ExitCode);
        Assert.Contains("Failed to get \"write\" lock", resize.Result.Stderr);
        Assert.Equal(before, TempDir.Sha256(image));
        Assert.Equal(before, result.Sha256.ToUpperInvariant());
        Assert.True(ImageStatus.Probe(image).IsFree);
    }

    /// <summary>Runs <c>qemu-img resize</c> from inside the copy, while the lease is certainly held.</summary>
    private sealed class ResizeOnFirstProgress(string image) : IProgress<CopyProgress>
    {
        public CommandResult? Result { get; private set; }

        public void Report(CopyProgress value) =>
            Result ??= QemuCommand.Run("qemu-img", "resize", "-f", "qcow2", image, "+1M");
    }
}

/// <summary>The BackupTool program itself: its chain mode, its exit statuses and its self-demonstration.</summary>
public sealed class BackupToolProgramTests
{
    private static readonly string Tool = Path.Combine(AppContext.BaseDirectory, "BackupTool.dll");

    [QemuFact]
    public void Chain_mode_copies_overlay_and_backing_file_into_a_consistent_chain()
    {
        using var dir = new TempDir();
        string baseImage = dir.CreateImage("base.qcow2", "qcow2", size: "8M");
        QemuCommand.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", "base.qcow2", "-F", "qcow2", dir.File("top.qcow2")).EnsureSuccess();
        QemuCommand.Run("qemu-io", "-f", "qcow2", "-c", "write -q -P 0xcd 1M 64k", dir.File("top.qcow2")).EnsureSuccess();
        string backup = Directory.CreateDirectory(dir.File("backup")).FullName;

        var run = RunTool(["--chain", dir.File("top.qcow2"), backup]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(TempDir.Sha256(baseImage), TempDir.Sha256(Path.Combine(backup, "base.qcow2")));
        Assert.Equal(TempDir.Sha256(dir.File("top.qcow2")), TempDir.Sha256(Path.Combine(backup, "top.qcow2")));
        // The copied overlay names its backing file relatively, so the copy is a chain of its own: same guest data.
        QemuCommand.Run("qemu-img", "compare", "-f", "qcow2", "-F", "qcow2", dir.File("top.qcow2"), Path.Combine(backup, "top.qcow2")).EnsureSuccess();
        Assert.True(ImageStatus.Probe(dir.File("top.qcow2")).IsFree && ImageStatus.Probe(baseImage).IsFree);
    }

    [QemuFact]
    public void Refusal_exits_1_in_plain_words_naming_the_qemu_holder()
    {
        using var writer = QemuIo.Start("qemu-io (rw)", "qcow2", new TempDir());

        var run = RunTool([writer.Image, Path.Combine(writer.Dir, "copy.qcow2")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("another program is writing to it", run.Stderr);
        Assert.Matches($@"It is held by pid {writer.Process.Pid}: \S*qemu-io -f qcow2 ", run.Stderr);
        Assert.False(File.Exists(Path.Combine(writer.Dir, "copy.qcow2")));
    }

    [Fact]
    public void Without_arguments_it_demonstrates_itself()
    {
        var run = RunTool([]);

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("(verified)", run.Stdout);
        Assert.Contains("refused, and backup-2.raw was never created", run.Stdout);
        Assert.Contains("QEMU's words: Failed to get shared \"write\" lock", run.Stderr);
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        Assert.Equal(2, RunTool(["only-one-argument"]).ExitCode);
        Assert.Equal(2, RunTool(["--bogus", "a", "b"]).ExitCode);
        Assert.Equal(0, RunTool(["--help"]).ExitCode);
    }

    private static CommandResult RunTool(string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Tool);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(); // only the BackupTool this test started
            throw new Xunit.Sdk.XunitException("BackupTool did not finish within 60 s");
        }
        return new CommandResult("BackupTool " + string.Join(" ", args), process.ExitCode, stdout.Result, stderr.Result);
    }
}
