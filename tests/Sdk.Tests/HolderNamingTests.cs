using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Whom a refusal names, against real holder processes: exactly the holders of the byte that conflicted, also
/// when the descriptor lies beyond the scan's first round; with a budget of zero or one that runs out, nobody or fewer,
/// and the message says so. Serial: a test that closes a descriptor meanwhile would let the holder's descriptor take a
/// low number, in front of the 300 put before it.</summary>
[Collection(SerialCollection.Name)]
public sealed class HolderNamingTests
{
    [Fact]
    public void Only_the_holders_of_the_conflicting_byte_are_named()
    {
        using var image = new TempImage();
        using var blamed = Holder.Start(image.Path, "read", "write"); // bytes 100 and 201
        using var innocent = Holder.Start(image.Path, "read");        // byte 100 only

        // We want perm write: only byte 201 conflicts.
        var e = Assert.Throws<ImageLockConflictException>(() =>
            ImageLease.Acquire(image.Path, Perm.Write, Unshare.None, LeaseFacts.NamingEveryHolder));
        Assert.Equal("Failed to get \"write\" lock", e.QemuMessage);
        var named = Assert.Single(e.Holders);
        Assert.Equal((blamed.Pid, Perm.Read, Unshare.Write), (named.Pid, named.Perm, named.Unshare));
        Assert.DoesNotContain($"pid {innocent.Pid}", e.Message);
        Assert.Contains($"held by pid {blamed.Pid}", e.Message);
        Assert.True(e.HoldersComplete, e.Message);
        Assert.False(e.IsTransient);

        // We want to forbid read: byte 100 conflicts, and both hold it.
        e = Assert.Throws<ImageLockConflictException>(() =>
            ImageLease.Acquire(image.Path, Perm.None, Unshare.Read, LeaseFacts.NamingEveryHolder));
        Assert.Equal("Failed to get shared \"consistent read\" lock", e.QemuMessage);
        Assert.Equal(new[] { blamed.Pid, innocent.Pid }.Order(), e.Holders.Select(h => h.Pid).Order());
    }

    [Fact]
    public void A_holder_descriptor_beyond_the_first_round_is_named()
    {
        using var image = new TempImage();
        // The scan looks at every process's first 256 descriptors before the rest of any big table: put the holder's
        // descriptor behind 300 others, so only the second round can find it.
        var filler = Enumerable.Range(0, 300).Select(_ => Native.Open("/dev/null", Native.O_RDONLY)).ToList();
        try
        {
            using var holder = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
            int position = Directory.GetFiles("/proc/self/fd").Select(f => int.Parse(Path.GetFileName(f))).Count(fd => fd < holder.Fd());
            Assert.True(position > 256, $"the holder's descriptor {holder.Fd()} is only the {position + 1}th");

            var e = Assert.Throws<ImageLockConflictException>(() =>
                ImageLease.Acquire(image.Path, Perm.Write, Unshare.None, LeaseFacts.NamingEveryHolder));
            var named = Assert.Single(e.Holders);
            Assert.Equal((Environment.ProcessId, (int?)holder.Fd()), (named.Pid, named.Fd));
            Assert.True(e.HoldersComplete, e.Message);
        }
        finally
        {
            filler.ForEach(fd => Native.Close(fd));
        }
    }

    [Fact]
    public void A_zero_budget_names_nobody_and_says_so()
    {
        using var image = new TempImage();
        using var holder = Holder.Start(image.Path, "read", "write");
        var options = new ImageLockOptions { HolderScanBudget = TimeSpan.Zero };

        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Write, Unshare.None, options));
        Assert.Equal((Perm.Write, false), (e.Permission, e.Shared));
        Assert.Empty(e.Holders);
        Assert.False(e.HoldersComplete);
        Assert.False(e.IsTransient);
        Assert.Equal($"Failed to get \"write\" lock\nIs another process using the image [{image.Path}]?\n" +
            "Holders not named: ImageLockOptions.HolderScanBudget is zero.", e.Message);
        LeaseFacts.AssertProbe(image.Path, Perm.Read, Unshare.Write);
    }

    [Fact]
    public void A_budget_that_runs_out_says_so_and_the_conflict_stands()
    {
        using var image = new TempImage();
        using var holder = Holder.Start(image.Path, "read", "write");
        // One tick (100 ns) is over before the first descriptor is looked at: reading /proc/locks alone takes longer.
        var options = new ImageLockOptions { HolderScanBudget = TimeSpan.FromTicks(1) };

        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Write, Unshare.None, options));
        Assert.Equal("Failed to get \"write\" lock", e.QemuMessage);
        Assert.False(e.HoldersComplete);
        Assert.False(e.IsTransient);
        Assert.EndsWith("\nStopped naming holders of byte 201 after 0 ms (ImageLockOptions.HolderScanBudget): more processes may hold it.", e.Message);
        LeaseFacts.AssertProbe(image.Path, Perm.Read, Unshare.Write); // the refusal left the holder's bytes alone, and added none
    }
}
