using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Two leases in one process conflict exactly as two QEMU processes do: OFD locks of different open file
/// descriptions see each other, in QEMU's check order and wording, and a refusal leaves nothing behind.</summary>
public sealed class ConflictTests
{
    public static IEnumerable<object[]> Bits() =>
        from i in Enumerable.Range(0, 4) from j in Enumerable.Range(0, 4) select new object[] { i, j };

    [Theory]
    [MemberData(nameof(Bits))]
    public void Perm_i_against_unshare_j_conflicts_only_when_i_equals_j(int i, int j)
    {
        using var image = new TempImage();
        // Holder uses perm i; the newcomer wants to forbid j: loop 2, "shared" form.
        using (var holder = ImageLease.Acquire(image.Path, (Perm)(1 << i)))
        {
            bool ok = ImageLease.TryAcquire(image.Path, Perm.None, (Unshare)(1 << j), out var lease, out var conflict);
            lease?.Dispose();
            Assert.Equal(i != j, ok);
            if (!ok)
            {
                Assert.Equal((Perm)(1 << i), conflict!.Permission);
                Assert.True(conflict.Shared);
                Assert.StartsWith($"Failed to get shared \"{LeaseFacts.QemuNames[i]}\" lock\n", conflict.Message);
            }
        }
        // Holder forbids perm i; the newcomer wants to use j: loop 1, plain form.
        using (var holder = ImageLease.Acquire(image.Path, Perm.None, (Unshare)(1 << i)))
        {
            bool ok = ImageLease.TryAcquire(image.Path, (Perm)(1 << j), Unshare.None, out var lease, out var conflict);
            lease?.Dispose();
            Assert.Equal(i != j, ok);
            if (!ok)
            {
                Assert.Equal((Perm)(1 << i), conflict!.Permission);
                Assert.False(conflict.Shared);
                Assert.StartsWith($"Failed to get \"{LeaseFacts.QemuNames[i]}\" lock\n", conflict.Message);
            }
        }
        LeaseFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Loop_one_is_reported_before_loop_two()
    {
        using var image = new TempImage();
        // Both loops conflict: we use write (they unshare it) and we unshare read (they use it).
        using var holder = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Write, Unshare.Read));
        Assert.Equal((Perm.Write, false, (int?)null), (e.Permission, e.Shared, e.LockedByte));
        Assert.Equal("Failed to get \"write\" lock", e.QemuMessage);
        Assert.StartsWith($"Failed to get \"write\" lock\nIs another process using the image [{image.Path}]?", e.Message);
        Assert.Equal($"Is another process using the image [{image.Path}]?", e.Hint);
    }

    [Fact]
    public void Shared_read_conflict_has_qemus_wording()
    {
        using var image = new TempImage();
        using var holder = ImageLease.Acquire(image.Path, Perm.Read);
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Read, Unshare.Read));
        Assert.StartsWith($"Failed to get shared \"consistent read\" lock\nIs another process using the image [{image.Path}]?", e.Message);
        Assert.Equal(image.Path, e.ImagePath);
    }

    [Fact]
    public void Conflict_names_this_process_and_the_holding_descriptor()
    {
        using var image = new TempImage();
        using var holder = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize);
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.None, LeaseFacts.NamingEveryHolder));
        // The refused attempt rolled back before the holders were scanned: only the real holder is named.
        var h = Assert.Single(e.Holders);
        Assert.Equal((Environment.ProcessId, (int?)holder.Fd()), (h.Pid, h.Fd));
        Assert.Equal((Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize), (h.Perm, h.Unshare));
        Assert.Contains($"held by pid {Environment.ProcessId} fd {holder.Fd()}", e.Message);
    }

    /// <summary>Random pairs of full grants: the outcome and the first message match QEMU's two check loops.</summary>
    [Fact]
    public void Random_grant_pairs_conflict_as_qemu_would_and_roll_back()
    {
        using var image = new TempImage();
        var random = new Random(1234);
        for (int n = 0; n < 200; n++)
        {
            var (hp, hu) = ((Perm)random.Next(16), (Unshare)random.Next(16));
            var (p, u) = ((Perm)random.Next(16), (Unshare)random.Next(16));
            using var holder = ImageLease.Acquire(image.Path, hp, hu);
            var expected = LeaseFacts.FirstConflict(hp, hu, p, u);
            bool ok = ImageLease.TryAcquire(image.Path, p, u, out var lease, out var conflict);
            using (lease)
            {
                Assert.True(expected is null == ok, $"holder {hp}/{hu}, newcomer {p}/{u}: ok={ok}");
                if (conflict is not null)
                {
                    Assert.Equal(expected, (conflict.Permission, conflict.Shared));
                    // Rollback: only the holder's bytes remain, on the holder's descriptor only.
                    Assert.Equal(ProcFd.Show(ProcFd.Expected(hp, hu)), ProcFd.Show(ProcFd.BytesOn(image.Path)));
                    Assert.Equal([holder.Fd()], ProcFd.On(image.Path));
                }
                else
                    Assert.Equal(ProcFd.Show(ProcFd.Expected(p, u)), ProcFd.Show(ProcFd.Bytes(lease!.Fd())));
            }
        }
    }

    [Fact]
    public void Refused_acquisition_leaves_no_byte_and_no_descriptor()
    {
        using var image = new TempImage();
        using var holder = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Resize);
        var before = ProcFd.On(image.Path);
        // perm bytes 100..103 and unshare 200..202 are locked before the check on 203 vs our resize fails.
        var e = Assert.Throws<ImageLockConflictException>(() =>
            ImageLease.Acquire(image.Path, Perm.All, Unshare.Read | Unshare.Write | Unshare.WriteUnchanged));
        Assert.Equal((Perm.Resize, false), (e.Permission, e.Shared));
        Assert.Equal(before, ProcFd.On(image.Path));
        Assert.Equal("{100,203}", ProcFd.Show(ProcFd.BytesOn(image.Path)));
        holder.Dispose();
        LeaseFacts.AssertFree(image.Path);
    }
}
