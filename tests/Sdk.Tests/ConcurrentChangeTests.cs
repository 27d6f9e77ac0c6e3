using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>I/O on many threads while other threads change and release the lease: an operation either completes on a
/// descriptor of the image (the bytes it reads are the image's) or, once the lease is released, throws
/// ObjectDisposedException with a clear message. Never EBADF, never a descriptor number the kernel handed to another file.</summary>
[Collection(SerialCollection.Name)] // counts this process's descriptors on the image
public sealed class ConcurrentChangeTests
{
    private const int Size = 1 << 16;
    private const int MinChanges = 30; // ten times round the grants, each reopen and shrink included
    private static readonly (Perm Perm, Unshare Unshare)[] Grants =
    [
        (Perm.Read, Unshare.Write),                                       // read-only descriptor
        (Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize),         // read-write: Change reopens
        (Perm.Read | Perm.WriteUnchanged, Unshare.Resize),                // read-write, other bytes: no reopen
    ];

    [Theory]
    [InlineData(LockingMode.Ofd)]
    [InlineData(LockingMode.Posix)]
    public void Io_on_many_threads_never_fails_while_another_thread_changes_the_grant(LockingMode locking)
    {
        using var image = PatternImage();
        using var lease = ImageLease.Acquire(image.Path, Grants[0].Perm, Grants[0].Unshare, new ImageLockOptions { Locking = locking });
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        int changes = 0;
        using var done = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 4).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            var buffer = new byte[512];
            // At least 5,000 operations each, and until the grant has changed often enough that they overlapped the
            // changes, however the threads are scheduled (on a quiet machine the reads alone may finish first).
            for (int n = 0; n < 5_000 || Volatile.Read(ref changes) < MinChanges; n++)
            {
                try
                {
                    long offset = random.Next(Size - buffer.Length);
                    int read = n % 4 == 0
                        ? await lease.Access.ReadAsync(offset, buffer)
                        : lease.Access.Read(offset, buffer);
                    AssertPattern(offset, buffer, read);
                    if (n % 16 == 0) Assert.Equal(Size, lease.Access.Length);
                }
                catch (Exception e) { failures.Enqueue(e); }
            }
        })).ToArray();
        var writer = Task.Run(() =>
        {
            var random = new Random(99);
            var data = new byte[64];
            while (!done.IsCancellationRequested)
            {
                long offset = random.Next(Size - data.Length);
                Fill(offset, data); // rewrites what is there, so readers still see the pattern
                try { lease.Access.WriteUnchanged(offset, data); }
                catch (ImageAccessDeniedException) { } // the grant changed between the check and the call: a refusal, not a failure
                catch (Exception e) { failures.Enqueue(e); }
            }
        });
        var changer = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                var (perm, unshare) = Grants[Interlocked.Increment(ref changes) % Grants.Length];
                try { lease.Change(perm, unshare); }
                catch (Exception e) { failures.Enqueue(e); }
            }
        });

        Task.WaitAll(readers);
        done.Cancel();
        Task.WaitAll(writer, changer);

        Assert.True(failures.IsEmpty, $"{failures.Count} failures, first: {failures.FirstOrDefault()}");
        Assert.True(changes >= MinChanges, "the readers stopped before the grant changed often enough");
        // Whatever the last grant, exactly its bytes are held, as another open file description sees them.
        LeaseFacts.AssertProbe(image.Path, lease.Perm, lease.Unshare);
        Assert.True(ProcFd.On(image.Path).Count <= (locking == LockingMode.Posix ? 2 : 1), "a replaced descriptor was left open");
    }

    [Fact]
    public void Dispose_while_io_is_in_flight_completes_or_throws_ObjectDisposedException()
    {
        for (int round = 0; round < 20; round++)
        {
            using var image = PatternImage();
            var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write);
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            int completed = 0, refused = 0;
            using var start = new Barrier(5);

            var workers = Enumerable.Range(0, 3).Select(seed => Task.Run(() =>
            {
                var random = new Random(seed + round * 10);
                var buffer = new byte[256];
                start.SignalAndWait();
                while (true)
                {
                    long offset = random.Next(Size - buffer.Length);
                    try
                    {
                        if (random.Next(3) == 0)
                        {
                            Fill(offset, buffer);
                            lease.Access.Write(offset, buffer);
                        }
                        else AssertPattern(offset, buffer, lease.Access.Read(offset, buffer));
                        Interlocked.Increment(ref completed);
                    }
                    catch (ObjectDisposedException e)
                    {
                        if (!e.Message.Contains($"The lease on [{image.Path}] has been released", StringComparison.Ordinal))
                            failures.Enqueue(e);
                        Interlocked.Increment(ref refused);
                        return;
                    }
                    catch (Exception e)
                    {
                        failures.Enqueue(e);
                        return;
                    }
                }
            })).ToArray();
            // Opens and closes other files meanwhile, so a descriptor number freed too early would be reused at once.
            var recycler = Task.Run(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < 200; i++)
                    using (File.OpenHandle(image.Sibling("other"), FileMode.OpenOrCreate, FileAccess.ReadWrite)) { }
            });
            start.SignalAndWait();
            Thread.Sleep(round % 4); // release at varying moments, also before any I/O started
            lease.Dispose();
            Task.WaitAll([.. workers, recycler]);

            Assert.True(failures.IsEmpty, $"round {round}: {failures.Count} failures, first: {failures.FirstOrDefault()}");
            Assert.Equal(3, refused); // every worker ends on the release
            Assert.Empty(ProcFd.On(image.Path));
            LeaseFacts.AssertFree(image.Path);
            Assert.Equal(Pattern(0, Size), File.ReadAllBytes(image.Path)); // no write went to another file's offsets
        }
    }

    private static TempImage PatternImage()
    {
        var image = new TempImage(Size);
        File.WriteAllBytes(image.Path, Pattern(0, Size));
        return image;
    }

    private static byte[] Pattern(long offset, int length)
    {
        var bytes = new byte[length];
        Fill(offset, bytes);
        return bytes;
    }

    private static void Fill(long offset, byte[] buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)((offset + i) % 251);
    }

    private static void AssertPattern(long offset, byte[] buffer, int read)
    {
        Assert.Equal(buffer.Length, read);
        for (int i = 0; i < read; i++)
            if (buffer[i] != (byte)((offset + i) % 251))
                Assert.Fail($"byte {offset + i} read {buffer[i]}, the image has {(offset + i) % 251}: read from another file?");
    }
}
