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
        Assert.Contains(conflict.Holders, h => h.Pid == writer.Process.Pid);
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

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
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
