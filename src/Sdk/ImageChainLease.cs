namespace ImageLock;

/// <summary>
/// Leases on a qcow2 image and its whole backing chain, held the way QEMU holds them: the top image with the
/// caller's grant, each backing file with perm read and unshare write and resize. Released together.
/// </summary>
public sealed class ImageChainLease : IDisposable, IAsyncDisposable
{
    private ImageChainLease(ImageLease top, IReadOnlyList<ImageLease> backing)
    {
        Top = top;
        Backing = backing;
    }

    /// <summary>The grant on the top image.</summary>
    public ImageLease Top { get; }

    /// <summary>The backing files, nearest first.</summary>
    public IReadOnlyList<ImageLease> Backing { get; }

    /// <summary>The capability on the top image.</summary>
    public ImageAccess Access => Top.Access;

    /// <summary>The grant QEMU holds on a backing file.</summary>
    public const Perm BackingPerm = Perm.Read;

    /// <inheritdoc cref="BackingPerm"/>
    public const Unshare BackingUnshare = Unshare.Write | Unshare.Resize;

    /// <summary>Acquires the image's chain, failing at once on a conflict.</summary>
    public static ImageChainLease Acquire(string imagePath, Perm perm, Unshare unshare = Unshare.None) =>
        Acquire(imagePath, perm, unshare, LockWait.None);

    /// <summary>Acquires the image's chain, waiting for conflicting holders as <paramref name="wait"/> says.</summary>
    /// <exception cref="Qcow2FormatException">A header in the chain is corrupt, loops, or names a missing file.</exception>
    public static ImageChainLease Acquire(string imagePath, Perm perm, Unshare unshare, LockWait wait, CancellationToken cancellationToken = default)
    {
        var chain = BackingChain.Discover(imagePath);
        var held = new List<ImageLease>(chain.Count);
        try
        {
            held.Add(ImageLease.Acquire(imagePath, perm, unshare, wait, cancellationToken));
            foreach (var link in chain.Skip(1))
                held.Add(ImageLease.Acquire(link.Path, BackingPerm, BackingUnshare, wait, cancellationToken));
            return new ImageChainLease(held[0], held.Skip(1).ToArray());
        }
        catch
        {
            foreach (var lease in held) lease.Dispose();
            throw;
        }
    }

    /// <inheritdoc cref="Acquire(string, Perm, Unshare, LockWait, CancellationToken)"/>
    public static async ValueTask<ImageChainLease> AcquireAsync(string imagePath, Perm perm, Unshare unshare = Unshare.None,
        LockWait? wait = null, CancellationToken cancellationToken = default)
    {
        var chain = BackingChain.Discover(imagePath);
        var held = new List<ImageLease>(chain.Count);
        try
        {
            held.Add(await ImageLease.AcquireAsync(imagePath, perm, unshare, wait, cancellationToken).ConfigureAwait(false));
            foreach (var link in chain.Skip(1))
                held.Add(await ImageLease.AcquireAsync(link.Path, BackingPerm, BackingUnshare, wait, cancellationToken).ConfigureAwait(false));
            return new ImageChainLease(held[0], held.Skip(1).ToArray());
        }
        catch
        {
            foreach (var lease in held) lease.Dispose();
            throw;
        }
    }

    /// <summary>Releases the backing files, then the top image.</summary>
    public void Dispose()
    {
        foreach (var lease in Backing.Reverse()) lease.Dispose();
        Top.Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }
}
