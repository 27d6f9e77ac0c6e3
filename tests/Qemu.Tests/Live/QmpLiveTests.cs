using System.Text.Json.Nodes;
using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Live;

/// <summary>QEMU changing its permissions live (QMP block-export-add) against an engine lease, as in the reference's
/// "Live permission changes" measurements.</summary>
public sealed class QmpLiveTests
{
    private static JsonObject Export(string id, bool writable) => new()
    {
        ["type"] = "nbd", ["id"] = id, ["node-name"] = "fmt0", ["writable"] = writable,
    };

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Writable_export_is_refused_while_the_engine_unshares_write_and_allowed_after_release(string version)
    {
        using var dir = new TempDir();
        // qsd with a raw node and no export holds nothing; the NBD server is started over QMP.
        using var qsd = StorageDaemon.Start("qsd blockdev file+fmt (rw), no export", "raw", dir, version: version);
        var qmp = qsd.Qmp!;
        qmp.Execute("nbd-server-start", new JsonObject
        {
            // nbd-server-start takes the legacy socket address form: {type, data: {path}}.
            ["addr"] = new JsonObject { ["type"] = "unix", ["data"] = new JsonObject { ["path"] = dir.File("nbd.sock") } },
        });

        using (var lease = ImageLease.Acquire(qsd.Image, Perm.Read, Unshare.Write))
        {
            var (_, error) = qmp.TryExecute("block-export-add", Export("e0", writable: true));
            // Seen once in CI under load: the export was added (error null). What each process held then says who failed.
            Assert.True(error == "Failed to get \"write\" lock", $"block-export-add (writable) gave {error ?? "success"}; "
                + $"this process held bytes {ProcLocks.ByteList(ProcLocks.Of(Environment.ProcessId, qsd.Image))} of {qsd.Image}, "
                + $"qsd (pid {qsd.Process.Pid}) {ProcLocks.ByteList(ProcLocks.Of(qsd.Process.Pid, qsd.Image))}");
            Assert.Empty(ProcLocks.Of(qsd.Process.Pid, qsd.Image)); // QEMU's abort left nothing behind
            Assert.Equal("100,201", ProcLocks.ByteList(ProcLocks.Of(Environment.ProcessId, qsd.Image)));

            // A read-only export is compatible with our grant; then our Change to unshare resize must be refused.
            qmp.Execute("block-export-add", Export("e1", writable: false));
            Bytes.WaitFor(qsd.Image, Perm.Read, Unshare.Write | Unshare.Resize, qsd.Process); // QEMU read/resize + ours
            lease.Change(Perm.Read, Unshare.Write | Unshare.Resize); // QEMU does not resize: allowed
            var e = Assert.Throws<ImageLockConflictException>(() => lease.Change(Perm.Read | Perm.Resize, Unshare.Write));
            Assert.Equal("Failed to get \"resize\" lock", e.QemuMessage); // NBD exports unshare resize
            Assert.Equal("100,201,203", ProcLocks.ByteList(ProcLocks.Of(Environment.ProcessId, qsd.Image)));
            qmp.Execute("block-export-del", new JsonObject { ["id"] = "e1" });
        }

        qmp.Execute("block-export-add", Export("e2", writable: true));
        Bytes.WaitFor(qsd.Image, Perm.Read | Perm.Write, Unshare.Resize, qsd.Process);
        var fds = ProcLocks.Of(qsd.Process.Pid, qsd.Image);
        Assert.Equal("100,101,203", ProcLocks.ByteList(fds));
        Assert.True(Assert.Single(fds).ReadWrite, "QEMU reopened O_RDWR for the writable export");
        Assert.False(ImageLease.TryAcquire(qsd.Image, Perm.Read, Unshare.Write, out _, out var conflict));
        Assert.Equal("Failed to get shared \"write\" lock", conflict.QemuMessage);
    }
}
