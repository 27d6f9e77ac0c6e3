using System.Text.Json;
using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Graph;

/// <summary>
/// On btrfs every subvolume has a device number of its own: fstat of an image in a subvolume reports it, while
/// /proc/locks and fdinfo print the filesystem's. The holder must still be named, by ImageStatus, by `imagelock status`
/// and by a refusal: holders are matched by inode in /proc/locks and by stat of /proc/PID/fd/N, never by comparing the
/// two devices. Root only: a btrfs filesystem on a loop device of this test's own, removed after it.
/// </summary>
public sealed class BtrfsSubvolumeTests
{
    [RootQemuFact]
    public void The_holder_of_an_image_in_a_subvolume_is_named()
    {
        using var fs = new LoopMount("btrfs");
        string volume = fs.File("vol");
        Host.Run("btrfs", "subvolume", "create", volume);
        string image = Path.Combine(volume, "disk.raw");
        QemuCommand.Run("qemu-img", "create", "-q", "-f", "raw", image, "4M").EnsureSuccess();

        using var qemu = QemuProcess.Start("qemu-io", ["-f", "raw", image]);
        Bytes.WaitFor(image, Perm.Read | Perm.Write, Unshare.None, qemu);

        // The trap this test is about: /proc/locks names the inode under another device than fstat's.
        string statKey = ProcLocks.InodeKey(image);
        string inode = statKey[(statKey.LastIndexOf(':') + 1)..];
        var lines = File.ReadAllLines("/proc/locks").Where(l => l.Contains($":{inode} ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count > 0, $"no /proc/locks line for inode {inode}");
        Assert.All(lines, l => Assert.DoesNotContain($" {statKey} ", l));

        var status = ImageStatus.Probe(image);
        var holder = Assert.Single(status.Holders);
        Assert.Equal((qemu.Pid, Perm.Read | Perm.Write, Unshare.None), (holder.Pid, holder.Perm, holder.Unshare));
        Assert.True(status.HoldersComplete);

        var cli = ImagelockCli.Run("status", "--json", image);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        using (var json = JsonDocument.Parse(cli.Stdout))
            Assert.Equal(qemu.Pid, Assert.Single(json.RootElement.GetProperty("images")[0].GetProperty("holders").EnumerateArray()).GetProperty("pid").GetInt32());

        // An unlimited holder scan budget: the default 50 ms may run out on a loaded machine, and tests never time.
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image, Perm.Read, Unshare.Write,
            new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }));
        Assert.Equal("Failed to get shared \"write\" lock", e.QemuMessage);
        Assert.Equal(qemu.Pid, Assert.Single(e.Holders).Pid);
        Assert.True(e.HoldersComplete, e.Message);
    }
}
