using System.Diagnostics;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Async waiters share one probing thread (Engine/ProbeScheduler): many at once, timeouts and cancellation
/// must each reach their own caller, and nothing may stay held or open.</summary>
public sealed class AsyncWaitTests
{
    [Fact]
    public async Task Async_wait_with_a_timeout_fails_after_the_timeout_with_the_conflict()
    {
        using var image = new TempImage();
        using var holder = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        var sw = Stopwatch.StartNew();

        var conflict = await Assert.ThrowsAsync<ImageLockConflictException>(async () =>
            await ImageLease.AcquireAsync(image.Path, Perm.Write, Unshare.None, new LockWait(TimeSpan.FromMilliseconds(300))));

        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(300), $"gave up after {sw.Elapsed}, before the timeout"); // no upper bound: a busy machine is slow
        Assert.Equal("Failed to get \"write\" lock", conflict.QemuMessage);
        Assert.Equal([holder.Fd()], ProcFd.On(image.Path));
    }

    [Fact]
    public async Task Many_async_waiters_on_many_images_all_get_through_when_their_holders_leave()
    {
        var images = Enumerable.Range(0, 12).Select(i => new TempImage(name: $"disk{i}.raw")).ToArray();
        try
        {
            var holders = images.Select(i => ImageLease.Acquire(i.Path, Perm.Read | Perm.Write, Unshare.Write)).ToArray();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var waiters = images.Select(i => ImageLease.AcquireAsync(i.Path, Perm.Read, Unshare.Write, LockWait.Forever, timeout.Token).AsTask()).ToArray();
            await Task.Delay(100);
            Assert.All(waiters, w => Assert.False(w.IsCompleted));

            // Release in reverse order: every waiter must be woken by its own image, not by the queue order.
            foreach (var holder in holders.Reverse()) holder.Dispose();
            var leases = await Task.WhenAll(waiters);

            for (int i = 0; i < images.Length; i++)
            {
                Assert.Equal(images[i].Path, leases[i].ImagePath);
                Assert.Equal(Perm.Read, ImageStatus.Probe(images[i].Path).Perm);
                await leases[i].DisposeAsync();
                LeaseFacts.AssertFree(images[i].Path);
            }
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
    }

    [Fact]
    public async Task Cancelling_one_async_waiter_leaves_the_others_waiting()
    {
        using var a = new TempImage(name: "a.raw");
        using var b = new TempImage(name: "b.raw");
        var holderA = ImageLease.Acquire(a.Path, Perm.All, Unshare.All);
        var holderB = ImageLease.Acquire(b.Path, Perm.All, Unshare.All);
        using var cancelA = new CancellationTokenSource();
        var waiterA = ImageLease.AcquireAsync(a.Path, Perm.Read, Unshare.None, LockWait.Forever, cancelA.Token).AsTask();
        var waiterB = ImageLease.AcquireAsync(b.Path, Perm.Read, Unshare.None, LockWait.Forever).AsTask();

        cancelA.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiterA.WaitAsync(TimeSpan.FromMinutes(2))); // fails, never hangs
        Assert.Empty(ProcFd.On(a.Path).Except([holderA.Fd()]));
        Assert.False(waiterB.IsCompleted);

        holderB.Dispose();
        await using (await waiterB.WaitAsync(TimeSpan.FromMinutes(2))) { }
        holderA.Dispose();
        LeaseFacts.AssertFree(a.Path);
        LeaseFacts.AssertFree(b.Path);
    }
}
