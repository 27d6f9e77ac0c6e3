using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Input that is not a lockable image: a typed exception naming the path, nothing modified, nothing leaked.
/// Serial, because it looks at every descriptor of the process.</summary>
[Collection(SerialCollection.Name)]
public sealed class BadInputTests
{
    /// <summary>Runs <paramref name="acquire"/> expecting <typeparamref name="T"/>, and checks that no descriptor was left
    /// open but the runtime's own (see <see cref="NewDescriptors"/>). Bounded by a timeout so a blocking open (FIFO)
    /// fails the test instead of hanging.</summary>
    private static T Refused<T>(Action acquire) where T : Exception
    {
        ImageStatus.Probe(typeof(BadInputTests).Assembly.Location, identifyHolders: false); // warms lazily opened runtime descriptors
        ImageGraphStatus.Probe(typeof(BadInputTests).Assembly.Location, ImageFormat.Raw, identifyHolders: false); // and assemblies the graph loads
        var before = NewDescriptors.Snapshot();
        var task = Task.Run(() => Record.Exception(acquire));
        Assert.True(task.Wait(TimeSpan.FromMinutes(2)), "the call blocked"); // a hang guard, not a speed limit
        var e = Assert.IsType<T>(task.Result, exactMatch: false);
        Assert.Empty(NewDescriptors.Since(before));
        return e;
    }

    private static IEnumerable<Action> AllEntryPoints(string path, Perm perm = Perm.Read) =>
    [
        () => ImageLease.Acquire(path, perm).Dispose(),
        () => ImageLease.Acquire(path, perm, Unshare.None, new LockWait(TimeSpan.FromMilliseconds(50))).Dispose(),
        () => ImageLease.AcquireAsync(path, perm).AsTask().GetAwaiter().GetResult().Dispose(),
        () => ImageLease.TryAcquire(path, perm, Unshare.None, out var l, out _).ToString(),
        () => ImageStatus.Probe(path),
        () => ImageGraphLease.Acquire(path, ImageFormat.Qcow2, perm).Dispose(),
    ];

    [Fact]
    public void Missing_file()
    {
        using var image = new TempImage();
        string missing = image.Sibling("missing.qcow2");
        foreach (var call in AllEntryPoints(missing))
        {
            var e = Refused<ImageLockException>(call);
            Assert.Contains(missing, e.Message);
        }
        var direct = Refused<ImageLockException>(() => ImageLease.Acquire(missing, Perm.Read));
        Assert.Equal(2 /* ENOENT */, direct.Errno);
        Assert.Equal(missing, direct.ImagePath);
        Assert.False(File.Exists(missing), "nothing may be created");
    }

    [Theory]
    [InlineData(Perm.Read)]
    [InlineData(Perm.Read | Perm.Write)] // O_RDWR on a directory fails with EISDIR instead
    public void Directory_is_refused(Perm perm)
    {
        using var image = new TempImage();
        foreach (var call in AllEntryPoints(image.Directory, perm))
        {
            var e = Refused<ImageLockException>(call);
            Assert.Contains(image.Directory, e.Message);
            Assert.Contains("directory", e.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Fifo_is_refused_without_blocking()
    {
        using var image = new TempImage();
        string fifo = image.Sibling("pipe");
        Native.MkFifo(fifo);
        // Read-only open of a FIFO without a writer would block forever without O_NONBLOCK.
        foreach (var call in AllEntryPoints(fifo).Take(5))
        {
            var e = Refused<ImageLockException>(call);
            Assert.Contains(fifo, e.Message);
            Assert.Contains("FIFO", e.Message);
        }
        Assert.Contains("FIFO", Refused<ImageLockException>(() => ImageLease.Acquire(fifo, Perm.Write)).Message);
    }

    [Fact]
    public void Character_device_is_refused_with_a_clear_message()
    {
        foreach (var call in AllEntryPoints("/dev/null").Take(5))
        {
            var e = Refused<ImageLockException>(call);
            Assert.Contains("/dev/null", e.Message);
            Assert.Contains("character device", e.Message);
        }
    }

    [Fact]
    public void Unreadable_file_is_refused()
    {
        using var image = new TempImage();
        File.WriteAllBytes(image.Path, [1, 2, 3]);
        File.SetUnixFileMode(image.Path, UnixFileMode.None);
        // As root the mode bits would be bypassed: the engine runs with nobody's file-system identity instead.
        var e = Refused<ImageLockException>(() => AsNobody.Run(() => ImageLease.Acquire(image.Path, Perm.Read).Dispose()));
        Assert.Equal(13 /* EACCES */, e.Errno);
        Assert.Contains(image.Path, e.Message);
        Assert.Contains("Permission denied", e.Message);
        Assert.Contains("Run as a user who may read the image", e.Message);
        Assert.Equal([1, 2, 3], ReadAsRoot(image.Path));
    }

    private static byte[] ReadAsRoot(string path)
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void Null_and_empty_paths_are_argument_errors()
    {
        Refused<ArgumentNullException>(() => ImageLease.Acquire(null!, Perm.Read));
        Refused<ArgumentNullException>(() => ImageStatus.Probe(null!));
        Refused<ArgumentNullException>(() => ImageLease.AcquireAsync(null!, Perm.Read).AsTask().GetAwaiter().GetResult());
        Refused<ArgumentNullException>(() => ImageGraphLease.Acquire(null!, ImageFormat.Qcow2, Perm.Read));
        foreach (var path in new[] { "", "a\0b" })
        {
            Refused<ArgumentException>(() => ImageLease.Acquire(path, Perm.Read));
            Refused<ArgumentException>(() => ImageLease.TryAcquire(path, Perm.Read, Unshare.None, out _, out _));
            Refused<ArgumentException>(() => ImageStatus.Probe(path));
            Refused<ArgumentException>(() => ImageGraphLease.Acquire(path, ImageFormat.Raw, Perm.Read));
        }
    }

    [Fact]
    public void Invalid_enum_bits_are_out_of_range()
    {
        using var image = new TempImage();
        foreach (var (perm, unshare) in new[] { ((Perm)16, Unshare.None), (Perm.Read, (Unshare)16), ((Perm)(-1), Unshare.None), (Perm.Read, (Unshare)0x100) })
        {
            var e = Refused<ArgumentOutOfRangeException>(() => ImageLease.Acquire(image.Path, perm, unshare));
            Assert.Contains("104/204", e.Message);
        }
        Refused<ArgumentOutOfRangeException>(() => ImageLease.Acquire(image.Path, Perm.Read, Unshare.None,
            new ImageLockOptions { Locking = (LockingMode)99 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LockWait(TimeSpan.FromSeconds(-2)));
        using (var lease = ImageLease.Acquire(image.Path, Perm.Read))
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => lease.Change((Perm)0x10, Unshare.None));
            Assert.Equal("{100}", ProcFd.Show(ProcFd.Bytes(lease.Fd())));
        }
        LeaseFacts.AssertFree(image.Path);
        Assert.Empty(ProcFd.On(image.Path));
    }
}
