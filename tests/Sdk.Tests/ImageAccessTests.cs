using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>The capability checks the grant at run time, and does real I/O when the grant allows it.</summary>
public sealed class ImageAccessTests
{
    [Fact]
    public async Task Read_needs_perm_read()
    {
        using var image = new TempImage();
        File.WriteAllBytes(image.Path, [7, 8, 9]);
        using (var lease = ImageLease.Acquire(image.Path, Perm.Write | Perm.Resize))
        {
            var e = Assert.Throws<ImageAccessDeniedException>(() => lease.Access.Read(0, new byte[3]));
            Assert.Equal(("Read", image.Path), (e.Operation, e.ImagePath));
            Assert.Contains("Perm.Read", e.Message);
            await Assert.ThrowsAsync<ImageAccessDeniedException>(async () => await lease.Access.ReadAsync(0, new byte[3]));
        }
        using (var lease = ImageLease.Acquire(image.Path, Perm.Read))
        {
            var buffer = new byte[3];
            Assert.Equal(3, lease.Access.Read(0, buffer));
            Assert.Equal([7, 8, 9], buffer);
            buffer = new byte[2];
            Assert.Equal(2, await lease.Access.ReadAsync(1, buffer));
            Assert.Equal([8, 9], buffer);
            Assert.Equal(0, lease.Access.Read(3, new byte[1])); // end of the image
            Assert.Equal(3, lease.Access.Length);
        }
    }

    [Fact]
    public async Task Write_needs_perm_write()
    {
        using var image = new TempImage(size: 16);
        using (var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.WriteUnchanged | Perm.Resize))
        {
            Assert.Throws<ImageAccessDeniedException>(() => lease.Access.Write(0, [1]));
            await Assert.ThrowsAsync<ImageAccessDeniedException>(async () => await lease.Access.WriteAsync(0, new byte[] { 1 }));
        }
        Assert.All(File.ReadAllBytes(image.Path), b => Assert.Equal(0, b));
        using (var lease = ImageLease.Acquire(image.Path, Perm.Write))
        {
            lease.Access.Write(2, [5, 6]);
            await lease.Access.WriteAsync(10, new byte[] { 9 });
            lease.Access.Flush();
        }
        var data = File.ReadAllBytes(image.Path);
        Assert.Equal((5, 6, 9, 16), (data[2], data[3], data[10], data.Length));
    }

    [Theory]
    [InlineData(Perm.WriteUnchanged)]
    [InlineData(Perm.Write)]
    public void WriteUnchanged_needs_write_unchanged_or_write(Perm granted)
    {
        using var image = new TempImage(size: 8);
        using (var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Resize))
            Assert.Throws<ImageAccessDeniedException>(() => lease.Access.WriteUnchanged(0, [1]));
        using (var lease = ImageLease.Acquire(image.Path, granted))
            lease.Access.WriteUnchanged(4, [3]);
        Assert.Equal(3, File.ReadAllBytes(image.Path)[4]);
    }

    [Fact]
    public void SetLength_needs_perm_resize()
    {
        using var image = new TempImage(size: 4096);
        using (var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write | Perm.WriteUnchanged))
        {
            var e = Assert.Throws<ImageAccessDeniedException>(() => lease.Access.SetLength(8192));
            Assert.Equal("SetLength", e.Operation);
        }
        Assert.Equal(4096, new FileInfo(image.Path).Length);
        using (var lease = ImageLease.Acquire(image.Path, Perm.Resize))
        {
            lease.Access.SetLength(8192);
            Assert.Equal(8192, lease.Access.Length);
            Assert.Throws<ArgumentOutOfRangeException>(() => lease.Access.SetLength(-1));
        }
        Assert.Equal(8192, new FileInfo(image.Path).Length);
    }

    [Fact]
    public void Grant_is_reported_through_the_capability()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        Assert.Equal((image.Path, Perm.Read, Unshare.Write), (lease.Access.ImagePath, lease.Access.Perm, lease.Access.Unshare));
        Assert.False(lease.Access.Handle.IsInvalid);
    }
}
