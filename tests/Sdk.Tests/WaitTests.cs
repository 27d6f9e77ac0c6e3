using System.Diagnostics;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Waiting for a conflicting holder: bounded, cancellable, leaves nothing behind, and two waiters both get through.</summary>
public sealed class WaitTests
{
    [Fact]
    public void Acquire_with_a_timeout_fails_after_the_timeout_with_the_conflict()
    {
        using var image = new TempImage();
        using var holder = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write);
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<ImageLockConflictException>(() =>
            ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write, new LockWait(TimeSpan.FromMilliseconds(400))));
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(400), $"gave up after {sw.Elapsed}, before the timeout"); // no upper bound: a busy machine is slow
        Assert.StartsWith("Failed to get shared \"write\" lock", e.Message);
        Assert.Equal([holder.Fd()], ProcFd.On(image.Path));
        Assert.Equal("{100,101}", ProcFd.Show(ProcFd.BytesOn(image.Path)));
    }

    [Fact]
    public async Task AcquireAsync_waits_until_the_holder_releases()
    {
        using var image = new TempImage();
        var holder = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        using var hangGuard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var waiter = ImageLease.AcquireAsync(image.Path, Perm.Read | Perm.Write, Unshare.None, LockWait.Forever, hangGuard.Token).AsTask();
        await Task.Delay(300);
        Assert.False(waiter.IsCompleted, "acquired while the holder still forbade write");
        holder.Dispose();
        await using var lease = await waiter;
        Assert.Equal("{100,101}", ProcFd.Show(ProcFd.Bytes(lease.Fd())));
    }

    [Fact]
    public void Sync_Acquire_waits_until_the_holder_releases()
    {
        using var image = new TempImage();
        var holder = ImageLease.Acquire(image.Path, Perm.All, Unshare.All);
        var release = Task.Run(async () => { await Task.Delay(200); holder.Dispose(); });
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Read, LockWait.Forever);
        Assert.True(holder.IsReleased, "acquired while the holder still held everything");
        release.Wait();
        Assert.Equal("{100,200}", ProcFd.Show(ProcFd.Bytes(lease.Fd())));
    }

    [Fact]
    public async Task Cancelled_wait_throws_and_holds_nothing()
    {
        using var image = new TempImage();
        using var holder = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write);
        using (var cts = new CancellationTokenSource(250))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                await ImageLease.AcquireAsync(image.Path, Perm.Read, Unshare.Write, LockWait.Forever, cts.Token));
        using (var cts = new CancellationTokenSource(250))
            Assert.ThrowsAny<OperationCanceledException>(() =>
                ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write, LockWait.Forever, cts.Token));
        Assert.Equal([holder.Fd()], ProcFd.On(image.Path));
        Assert.Equal("{100,101}", ProcFd.Show(ProcFd.BytesOn(image.Path)));
    }

    /// <summary>Two waiters for the same exclusive grant: both get it, one after the other (no livelock, no overlap).</summary>
    [Fact]
    public async Task Two_waiters_for_an_exclusive_grant_both_get_it_in_turn()
    {
        using var image = new TempImage();
        for (int round = 0; round < 5; round++)
        {
            var holder = ImageLease.Acquire(image.Path, Perm.All, Unshare.All);
            var sections = new List<(long Start, long End)>();
            async Task Waiter()
            {
                await using var lease = await ImageLease.AcquireAsync(image.Path, Perm.All, Unshare.All, new LockWait(TimeSpan.FromMinutes(2)));
                long start = Stopwatch.GetTimestamp();
                await Task.Delay(50);
                lock (sections) sections.Add((start, Stopwatch.GetTimestamp()));
            }
            var waiters = new[] { Task.Run(Waiter), Task.Run(Waiter) };
            await Task.Delay(100);
            holder.Dispose();
            await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromMinutes(5));
            Assert.Equal(2, sections.Count);
            var ordered = sections.OrderBy(s => s.Start).ToList();
            Assert.True(ordered[0].End <= ordered[1].Start, "the two exclusive sections overlapped");
            LeaseFacts.AssertFree(image.Path);
        }
    }
}
