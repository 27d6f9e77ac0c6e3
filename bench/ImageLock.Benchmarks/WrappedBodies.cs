namespace ImageLock.Benchmarks;

/// <summary>Bodies for benchmark 3. The generator writes the <c>string imagePath</c> overloads of both.</summary>
public static partial class WrappedBodies
{
    [RequiresImageAccess(Perm.Read, Unshare.Write | Unshare.Resize)]
    public static int FirstByte(ImageAccess image)
    {
        Span<byte> one = stackalloc byte[1];
        image.Read(0, one);
        return one[0];
    }

    [RequiresImageAccess(Perm.Read, Unshare.Write | Unshare.Resize)]
    public static async Task<int> FirstByteAsync(ImageAccess image)
    {
        var one = new byte[1];
        await image.ReadAsync(0, one).ConfigureAwait(false);
        return one[0];
    }
}
