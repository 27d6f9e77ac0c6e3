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
        await using var graph = await ImageGraphLease.AcquireAsync(imagePath, ImageFormat.Qcow2, Perm.Read, Unshare.Write | Unshare.Resize,
            wait ? LockWait.Forever : LockWait.None, cancellationToken);
        foreach (var note in graph.Notes) Console.Error.WriteLine($"BackupTool: not copied: {note}");
        var copier = new ImageCopier();
        var results = new List<CopyResult>();
        for (int i = 0; i < graph.Files.Count; i++)
        {
            string target = Path.Combine(destinationDirectory, Path.GetFileName(graph.Files[i].Path));
            // The graph lease is already held: call the body with each file's capability instead of acquiring again.
            results.Add(await copier.CopyAsync(graph.Leases[i].Access, target, progress, cancellationToken));
        }
        return results;
    }
}
