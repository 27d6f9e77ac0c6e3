using ImageLock.Interop;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>"Fail at once" proven without a clock: the holder leaves right after the first attempt failed, so a call
/// that waited or retried would succeed. Uses the process-wide fault-injection seam as an observer, hence serial.</summary>
[Collection(SerialCollection.Name)]
public sealed class NoWaitTests
{
    [Fact]
    public void TryAcquire_fails_at_once_without_retrying()
    {
        using var image = new TempImage();
        var holder = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        int holderFd = holder.Fd();
        int attempts = 0;
        Syscalls.InjectFault = call =>
        {
            if (call.Fd == holderFd) return 0;
            if (call.IsSet && call.Type == Native.F_RDLCK) attempts++;
            // The attempt's rollback: it found the conflict. From now on nothing stands in the way.
            if (call.IsSet && call.Type == Native.F_UNLCK && !holder.IsReleased) holder.Dispose();
            return 0;
        };
        bool acquired;
        ImageLockConflictException? conflict;
        try
        {
            acquired = ImageLease.TryAcquire(image.Path, Perm.Write, Unshare.None, out var lease, out conflict);
            lease?.Dispose();
        }
        finally
        {
            Syscalls.InjectFault = null;
            holder.Dispose();
        }

        Assert.True(holder.IsReleased, "the holder was never released: the attempt did not roll back");
        Assert.False(acquired, "TryAcquire waited for the holder to leave");
        Assert.Equal(1, attempts);
        Assert.Equal("Failed to get \"write\" lock", Assert.IsType<ImageLockConflictException>(conflict).QemuMessage);
        LeaseFacts.AssertFree(image.Path);
        Assert.Empty(ProcFd.On(image.Path));
    }
}
