using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>A tool that breaks the protocol with F_WRLCK: QEMU fails with "Failed to lock byte N", and so do we.</summary>
public sealed class ForeignWriteLockTests
{
    [Fact]
    public void Write_lock_on_byte_101_refuses_with_failed_to_lock_byte_and_leaves_nothing()
    {
        using var image = new TempImage();
        int foreign = Native.Open(image.Path, Native.O_RDWR);
        try
        {
            Assert.Equal(0, Native.OfdSetLock(foreign, Native.F_WRLCK, 101));
            // Byte 100 is locked first, then 101 fails: 100 must be rolled back.
            var e = Assert.Throws<ImageLockConflictException>(() =>
                ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write, LeaseFacts.NamingEveryHolder));
            Assert.Equal(101, e.LockedByte);
            Assert.Equal("Failed to lock byte 101", e.QemuMessage);
            // QEMU prints no hint after this line; ours names the image instead.
            Assert.Null(e.Hint);
            Assert.DoesNotContain("Is another process using the image", e.Message);
            Assert.StartsWith($"Failed to lock byte 101\nSomeone holds a write lock on byte 101 of [{image.Path}], which no QEMU ever takes.\n", e.Message);
            // The holder scan sees the misbehaving write lock for what it is.
            var h = Assert.Single(e.Holders);
            Assert.Equal((Environment.ProcessId, (int?)foreign, true), (h.Pid, h.Fd, h.Exclusive));

            // Nothing left behind: only the foreign descriptor, with only its write lock.
            Assert.Equal([foreign], ProcFd.On(image.Path));
            var line = Assert.Single(ProcFd.Locks(foreign));
            Assert.Equal(("WRITE", 101L, 101L), (line.Type, line.Start, line.End));

            // A grant that never touches byte 101 is unaffected.
            using (var reader = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Resize))
                Assert.Equal("{100,203}", ProcFd.Show(ProcFd.Bytes(reader.Fd())));
        }
        finally
        {
            Native.Close(foreign);
        }
        LeaseFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Write_lock_on_an_unshare_byte_names_that_byte()
    {
        using var image = new TempImage();
        int foreign = Native.Open(image.Path, Native.O_RDWR);
        try
        {
            Assert.Equal(0, Native.OfdSetLock(foreign, Native.F_WRLCK, 203));
            var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write | Unshare.Resize));
            Assert.Equal(203, e.LockedByte);
            Assert.StartsWith("Failed to lock byte 203", e.Message);
            Assert.Empty(ProcFd.Bytes(foreign).Except([203L]));
            Assert.Equal([foreign], ProcFd.On(image.Path));
        }
        finally
        {
            Native.Close(foreign);
        }
    }
}
