using System.Diagnostics;
using System.Text.Json.Nodes;
using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Live;

/// <summary>
/// A mirror job (blockdev-mirror) whose target is a bare file node, no format node on top. QEMU 5.2 still has the
/// graph-mod permission there and unshares it on the target: byte 204, which later versions no longer take.
/// `imagelock status` names the legacy byte, and the engine's grants get exactly the outcomes they get against 7.2's
/// and 10.0's target: byte 204 never causes a conflict, and the engine never needs it to refuse QEMU.
/// </summary>
public sealed class MirrorTargetTests
{
    private const string Source = "qsd blockdev file+fmt (rw), no export";

    /// <summary>Measured on every version: the target holds perm=write unshare=read,write,resize (+204 on 5.2), so
    /// every grant that reads is refused on "consistent read", the rest are granted.</summary>
    private static readonly string?[] TargetOutcomes =
    [
        "Failed to get \"consistent read\" lock", "Failed to get \"consistent read\" lock", "Failed to get \"consistent read\" lock",
        "Failed to get \"consistent read\" lock", "Failed to get \"consistent read\" lock", null, null, null, null,
    ];

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Mirror_target_bytes_are_reported_and_the_engine_coexists(string version)
    {
        using var dir = new TempDir();
        using var qsd = StorageDaemon.Start(Source, "raw", dir, version: version);
        var target = dir.CreateImage("target.raw", "raw");
        StartMirror(qsd, target);

        bool legacy = version == "5.2";
        var status = WaitForTarget(target, qsd);
        Assert.Equal((Perm.Write, Unshare.Read | Unshare.Write | Unshare.Resize, false, legacy),
            (status.Perm, status.Unshare, status.LegacyPerm, status.LegacyUnshare));
        var holder = Assert.Single(status.Holders);
        Assert.Equal((qsd.Process.Pid, legacy), (holder.Pid, holder.LegacyBytes));

        var cli = ImagelockCli.Run("status", target);
        Assert.True(cli.Ok, cli.Stderr + cli.Stdout);
        var lines = cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["perm=write", "unshare=read,write,resize"], lines[..2]);
        Assert.Equal(legacy, lines[2].StartsWith("legacy=204 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith($"{qsd.Process.Pid} ", StringComparison.Ordinal));

        // The source's bytes, as measured: 5.2 holds no read byte on a raw mirror source.
        var source = ImageStatus.Probe(qsd.Image, identifyHolders: false);
        Assert.Equal(legacy ? Bytes.Describe(Perm.None, Unshare.Resize) : Bytes.Describe(Perm.Read, Unshare.Resize), Bytes.Describe(source));

        for (int g = 0; g < ReferenceTable.ExternalGrants.Length; g++)
        {
            var grant = ReferenceTable.ExternalGrants[g];
            // An unlimited holder scan budget: the default 50 ms may run out on a loaded machine, and tests never time.
            ImageLease? lease = null;
            ImageLockConflictException? conflict = null;
            try { lease = ImageLease.Acquire(target, grant.Perm, grant.Unshare, new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }); }
            catch (ImageLockConflictException e) { conflict = e; }
            bool ok = lease is not null;
            using (lease)
            {
                Assert.True(ok == (TargetOutcomes[g] is null), $"[QEMU {version}] {grant} on the mirror target: {conflict?.Message}");
                if (!ok)
                {
                    Assert.Equal(TargetOutcomes[g], conflict!.QemuMessage);
                    Assert.Contains(conflict.Holders, h => h.Pid == qsd.Process.Pid);
                }
            }
            Assert.Empty(ProcLocks.Of(Environment.ProcessId, target));
        }
        qsd.Process.EnsureRunning();
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Mirror_onto_a_file_the_engine_reads_is_refused_and_the_file_is_unchanged(string version)
    {
        using var dir = new TempDir();
        using var qsd = StorageDaemon.Start(Source, "raw", dir, version: version);
        var target = dir.CreateImage("target.raw", "raw");
        string before = TempDir.Sha256(target);
        using (ImageLease.Acquire(target, Perm.Read))
        {
            qsd.Qmp!.Execute("blockdev-add", new JsonObject { ["driver"] = "file", ["node-name"] = "tgt", ["filename"] = target });
            var (_, error) = qsd.Qmp.TryExecute("blockdev-mirror", MirrorArgs());
            Assert.Equal("Failed to get shared \"consistent read\" lock", error);
            Assert.Empty(ProcLocks.Of(qsd.Process.Pid, target)); // the aborted job left no lock on the target
            Assert.Equal("100", ProcLocks.ByteList(ProcLocks.Of(Environment.ProcessId, target)));
        }
        Assert.Equal(before, TempDir.Sha256(target));
        qsd.Process.EnsureRunning();
    }

    private static JsonObject MirrorArgs() => new()
    {
        ["job-id"] = "j0", ["device"] = "fmt0", ["target"] = "tgt", ["sync"] = "full",
    };

    private static void StartMirror(QemuHolder qsd, string target)
    {
        qsd.Qmp!.Execute("blockdev-add", new JsonObject { ["driver"] = "file", ["node-name"] = "tgt", ["filename"] = target });
        qsd.Qmp.Execute("blockdev-mirror", MirrorArgs());
    }

    private static ImageStatus WaitForTarget(string target, QemuHolder qsd)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = ImageStatus.Probe(target);
            if (status.Perm != Perm.None) return status;
            qsd.Process.EnsureRunning();
            if (clock.Elapsed > Bytes.DefaultTimeout)
                throw new XunitException($"the mirror target never got QEMU's bytes; last probe: {Bytes.Describe(status)}\n{qsd.Process.Stderr}");
            Thread.Sleep(20);
        }
    }
}
