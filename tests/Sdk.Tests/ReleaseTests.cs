using System.Runtime.CompilerServices;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

public sealed class ReleaseTests
{
    [Fact]
    public void Dispose_is_idempotent_and_releases_bytes_and_descriptor()
    {
        using var image = new TempImage();
        var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.All);
        lease.Dispose();
        lease.Dispose();
        Assert.True(lease.IsReleased);
        LeaseFacts.AssertFree(image.Path);
        Assert.Empty(ProcFd.On(image.Path));
        Assert.Contains("(released)", lease.ToString());
    }

    [Fact]
    public void Many_threads_disposing_at_once_release_once_without_error()
    {
        using var image = new TempImage();
        for (int round = 0; round < 20; round++)
        {
            var lease = ImageLease.Acquire(image.Path, Perm.All, Unshare.All);
            using var barrier = new Barrier(16);
            var errors = new List<Exception>();
            var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
            {
                barrier.SignalAndWait();
                try { if (_ % 2 == 0) lease.Dispose(); else lease.DisposeAsync().AsTask().Wait(); }
                catch (Exception e) { lock (errors) errors.Add(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(errors);
            LeaseFacts.AssertFree(image.Path);
            Assert.Empty(ProcFd.On(image.Path));
        }
    }

    [Fact]
    public async Task DisposeAsync_releases()
    {
        using var image = new TempImage();
        await using (var lease = await ImageLease.AcquireAsync(image.Path, Perm.Read, Unshare.Write))
            LeaseFacts.AssertProbe(image.Path, Perm.Read, Unshare.Write);
        LeaseFacts.AssertFree(image.Path);
        Assert.Empty(ProcFd.On(image.Path));
    }

    [Fact]
    public async Task Every_access_operation_throws_ObjectDisposed_after_release()
    {
        using var image = new TempImage();
        var lease = ImageLease.Acquire(image.Path, Perm.All);
        var access = lease.Access;
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => access.Handle);
        Assert.Throws<ObjectDisposedException>(() => access.Length);
        Assert.Throws<ObjectDisposedException>(() => access.Read(0, new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => access.Write(0, [1]));
        Assert.Throws<ObjectDisposedException>(() => access.WriteUnchanged(0, [1]));
        Assert.Throws<ObjectDisposedException>(() => access.SetLength(10));
        Assert.Throws<ObjectDisposedException>(() => access.Flush());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await access.ReadAsync(0, new byte[1]));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await access.WriteAsync(0, new byte[1]));
        Assert.Equal(1 << 20, new FileInfo(image.Path).Length); // nothing was resized or written
        Assert.All(File.ReadAllBytes(image.Path).Take(4), b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_forgotten_lease_is_released_by_the_finalizer()
    {
        using var image = new TempImage();
        AcquireAndForget(image.Path);
        LeaseFacts.AssertProbe(image.Path, Perm.Read | Perm.Write, Unshare.Write);
        Assert.True(Poll.Until(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return ImageStatus.Probe(image.Path, identifyHolders: false).IsFree;
        }, TimeSpan.FromMinutes(2)), "the unreachable lease still holds its bytes");
        Assert.Empty(ProcFd.On(image.Path));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AcquireAndForget(string path) => ImageLease.Acquire(path, Perm.Read | Perm.Write, Unshare.Write);
}
