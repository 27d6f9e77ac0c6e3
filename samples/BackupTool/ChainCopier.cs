using ImageLock;

namespace BackupTool;

/// <summary>Copies a qcow2 image with its backing chain, all held together the way QEMU holds them.</summary>
public static class ChainCopier
{
    /// <summary>Copies every image of the chain into <paramref name="destinationDirectory"/> under its own file name.
    /// Relative backing names keep working in the copy; absolute ones still name the originals.</summary>
    public static async Task<IReadOnlyList<CopyResult>> CopyAsync(string imagePath, string destinationDirectory, bool wait,
        IProgress<CopyProgress>? progress, CancellationToken cancellationToken)
    {
        await using var chain = await ImageChainLease.AcquireAsync(imagePath, Perm.Read, Unshare.Write | Unshare.Resize,
            wait ? LockWait.Forever : LockWait.None, cancellationToken);
        var copier = new ImageCopier();
        var results = new List<CopyResult>();
        foreach (var lease in new[] { chain.Top }.Concat(chain.Backing))
        {
            string target = Path.Combine(destinationDirectory, Path.GetFileName(lease.ImagePath));
            // The chain lease is already held: call the body with its capability instead of acquiring again.
            results.Add(await copier.CopyAsync(lease.Access, target, progress, cancellationToken));
        }
        return results;
    }
}
