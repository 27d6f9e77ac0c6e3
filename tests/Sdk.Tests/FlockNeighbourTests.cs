using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>flock(2) is a separate lock space that QEMU ignores; .NET's own FileStream takes flock locks. Neither the
/// probe nor the holder list may mistake an flock holder for a protocol holder.</summary>
public sealed class FlockNeighbourTests
{
    [Fact]
    public void Flock_holder_does_not_block_and_is_not_reported_as_holding_protocol_bytes()
    {
        using var image = new TempImage();
        int other = Native.Open(image.Path, Native.O_RDONLY);
        try
        {
            Assert.Equal(0, Native.Flock_(other, Native.LOCK_EX | Native.LOCK_NB));
            using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
            var status = ImageStatus.Probe(image.Path);
            Assert.Equal((Perm.Read, Unshare.Write), (status.Perm, status.Unshare));
            Assert.False(status.LegacyPerm || status.LegacyUnshare);
            // Only the lease is a protocol holder; the flock descriptor holds no protocol byte.
            var holder = Assert.Single(status.Holders);
            Assert.Equal(lease.Fd(), holder.Fd);
        }
        finally
        {
            Native.Close(other);
        }
    }
}
