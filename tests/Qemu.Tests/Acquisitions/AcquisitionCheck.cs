using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;
using Xunit;

namespace ImageLock.Qemu.Tests.Acquisitions;

/// <summary>One cell of the "External acquisitions" table, run for real against a QEMU holder.</summary>
public static class AcquisitionCheck
{
    public static void Run(QemuHolder holder, int grantIndex)
    {
        var grant = ReferenceTable.ExternalGrants[grantIndex];
        string? expected = ReferenceTable.ExternalAcquisition(holder.Config, holder.Format, grantIndex, holder.Version);
        holder.Process.EnsureRunning();

        // An unlimited holder scan budget: the default 50 ms may run out on a loaded machine, and tests never time.
        ImageLease? lease = null;
        ImageLockConflictException? conflict = null;
        try { lease = ImageLease.Acquire(holder.Image, grant.Perm, grant.Unshare, new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }); }
        catch (ImageLockConflictException e) { conflict = e; }
        bool ok = lease is not null;
        try
        {
            if (expected is null)
            {
                Assert.True(ok, $"{holder}: {grant} should succeed as in the reference, but: {conflict?.Message}");
                // Our descriptor carries exactly the grant's bytes.
                var ours = ProcLocks.Of(Environment.ProcessId, holder.Image);
                Assert.Equal(ProcLocks.ByteList(grant.Perm, grant.Unshare), ProcLocks.ByteList(ours));
            }
            else
            {
                Assert.False(ok, $"{holder}: {grant} should fail with '{expected}' as in the reference, but it was granted");
                Assert.Equal(expected, conflict!.QemuMessage);
                Assert.Null(conflict.LockedByte);
                Assert.StartsWith($"{expected}\nIs another process using the image [{holder.Image}]?", conflict.Message);
                // The holder is named, found through /proc/PID/fdinfo (OFD locks show pid -1 in /proc/locks).
                Assert.Contains(conflict.Holders, h => h.Pid == holder.Process.Pid);
                // Rollback: nothing of ours is left on the image.
                Assert.Empty(ProcLocks.Of(Environment.ProcessId, holder.Image));
            }
        }
        finally
        {
            lease?.Dispose();
        }

        // Either way QEMU's bytes are exactly what they were, and we hold nothing.
        Assert.Empty(ProcLocks.Of(Environment.ProcessId, holder.Image));
        var after = ImageStatus.Probe(holder.Image, identifyHolders: false);
        Assert.Equal(Bytes.Describe(holder.Expected.Perm, holder.Expected.Unshare), Bytes.Describe(after));
        holder.Process.EnsureRunning();
    }
}
