using ImageLock.Engine;
using ImageLock.Interop;
using ImageLock.Qcow2;

namespace ImageLock.Graph;

/// <summary>One file of the graph, opened: its header was read through this descriptor, which is the one locked.</summary>
internal sealed record OpenedFile(ImageGraphFile File, OpenedImage Image);

/// <summary>The files QEMU opens for an image, opened once each, and the links QEMU follows without a local file.</summary>
internal sealed class GraphPlan : IDisposable
{
    public List<OpenedFile> Files { get; } = [];
    public List<string> Notes { get; } = [];

    public void Dispose()
    {
        foreach (var f in Files) PosixDescriptors.Close(f.Image); // never drops this process's POSIX locks on a shared file
    }
}

/// <summary>
/// Walks an image's graph as QEMU's bdrv_open() does: the image's file with the format given; for qcow2 its
/// external data file and its backing image, with the backing format the overlay records (probed only when it
/// records none, as QEMU probes). Loops are found by file identity (device, inode); there is no depth limit.
/// </summary>
internal static class GraphWalker
{
    /// <summary>Opens the graph of an image whose users hold perm/unshare; <paramref name="readOnly"/> opens every file
    /// read-only whatever the grant (status probes).</summary>
    /// <remarks><paramref name="refuseQcow2Header"/>: the image is raw, but one whose first bytes are a qcow2 header is
    /// refused (probed through the descriptor that will be locked): a command line's default when no format is given.</remarks>
    public static GraphPlan Open(string imagePath, ImageFormat format, Perm perm, Unshare unshare, bool readOnly, bool refuseQcow2Header = false)
    {
        ImageOpener.ValidatePath(imagePath);
        if (format is not (ImageFormat.Raw or ImageFormat.Qcow2))
            throw new ArgumentOutOfRangeException(nameof(format), format, "unknown ImageFormat: pass ImageFormat.Raw or ImageFormat.Qcow2");
        var plan = new GraphPlan();
        var seen = new Dictionary<(ulong, ulong), string>();
        try
        {
            byte[] path = PathBytes.Encode(imagePath);
            bool writable = GraphGrants.Writable(perm);
            var image = ImageOpener.Open(imagePath, path, writable && !readOnly);
            string? namedBy = null;
            for (int depth = 0; ; depth++)
            {
                var role = depth == 0 ? ImageRole.Image : ImageRole.Backing;
                string shown = PathBytes.Decode(path);
                if (seen.TryGetValue((image.Device, image.Inode), out var first))
                {
                    PosixDescriptors.Close(image);
                    throw new Qcow2FormatException(imagePath, $"The backing chain of '{PathBytes.Display(imagePath)}' loops: " +
                        $"'{PathBytes.Display(namedBy!)}' names '{PathBytes.Display(shown)}', " +
                        (first == shown ? "which is already in the chain. " : $"which is the same file as '{PathBytes.Display(first)}'. ") +
                        "QEMU cannot open this image either; fix it with 'qemu-img rebase -u'.");
                }
                seen.Add((image.Device, image.Inode), shown);

                if (depth == 0 && refuseQcow2Header && Qcow2Header.Probe(image))
                {
                    PosixDescriptors.Close(image);
                    throw new Qcow2FormatException(imagePath, $"'{PathBytes.Display(imagePath)}' has a qcow2 header and no format was given: " +
                        "pass -f qcow2 to take every file QEMU opens for it (its data file and backing chain), or -f raw to take this one file.");
                }
                if (format == ImageFormat.Raw)
                {
                    var (p, u) = GraphGrants.RawFile(perm, unshare);
                    plan.Files.Add(new(new ImageGraphFile(role, depth, path, format, p, u, namedBy), image));
                    return plan;
                }

                Qcow2Header header;
                try { header = Qcow2Header.Read(shown, image, writable && !readOnly); }
                catch { PosixDescriptors.Close(image); throw; }
                var (fp, fu) = GraphGrants.Qcow2File(perm, unshare, writable, header.HasDataFile);
                plan.Files.Add(new(new ImageGraphFile(role, depth, path, format, fp, fu, namedBy), image));

                if (header.HasDataFile)
                    AddDataFile(plan, seen, header.DataFileName!, shown, depth, perm, unshare, readOnly);
                if (header.BackingName is not byte[] backingName) return plan;

                var target = FileName.Parse(backingName, relativeTo: path, "backing file", shown);
                if (target is FileTarget.Remote remote)
                {
                    plan.Notes.Add(RemoteNote("backing file", backingName, shown, remote.Protocol));
                    return plan;
                }
                var local = (FileTarget.Local)target;
                (perm, unshare) = GraphGrants.Backing(perm, unshare);
                writable = false;                    // QEMU opens backing images read-only
                path = local.Path;
                namedBy = shown;
                image = OpenNamed(PathBytes.Decode(path), path, readWrite: false, "backing file", shown);
                try { format = BackingFormat(header.BackingFormat ?? local.Driver, image, shown); }
                catch { PosixDescriptors.Close(image); throw; }
            }
        }
        catch
        {
            plan.Dispose();
            throw;
        }
    }

    private static void AddDataFile(GraphPlan plan, Dictionary<(ulong, ulong), string> seen, byte[] name, string image,
        int depth, Perm perm, Unshare unshare, bool readOnly)
    {
        var target = FileName.Parse(name, relativeTo: null, "data file", image);   // QEMU 7.2: relative to the working directory
        if (target is FileTarget.Remote remote)
        {
            plan.Notes.Add(RemoteNote("data file", name, image, remote.Protocol));
            return;
        }
        var path = ((FileTarget.Local)target).Path;
        var (p, u) = GraphGrants.DataFile(perm, unshare);
        var opened = OpenNamed(PathBytes.Decode(path), path, GraphGrants.Writable(p) && !readOnly, "data file", image);
        if (seen.TryGetValue((opened.Device, opened.Inode), out var same))
        {
            PosixDescriptors.Close(opened);
            throw new Qcow2FormatException(image, $"The data file '{PathBytes.Display(PathBytes.Decode(path))}' of '{PathBytes.Display(image)}' " +
                $"is the same file as '{PathBytes.Display(same)}'; QEMU cannot use this image safely. Check it with 'qemu-img info -U'.");
        }
        seen.Add((opened.Device, opened.Inode), PathBytes.Decode(path));
        plan.Files.Add(new(new ImageGraphFile(ImageRole.DataFile, depth, path, null, p, u, image), opened));
    }

    /// <summary>The backing image's format: the one its overlay records (the json: "driver" otherwise), probed only
    /// when neither says, exactly where QEMU probes.</summary>
    private static ImageFormat BackingFormat(string? recorded, OpenedImage image, string overlay) => recorded switch
    {
        null => Qcow2Header.Probe(image) ? ImageFormat.Qcow2 : ImageFormat.Raw,
        "qcow2" => ImageFormat.Qcow2,
        "raw" or "file" or "host_device" => ImageFormat.Raw,
        _ => throw new Qcow2FormatException(overlay, $"'{PathBytes.Display(overlay)}' records the backing format '{recorded}'; " +
            "ImageLock follows raw and qcow2 backing images only, so it cannot tell which files QEMU would lock."),
    };

    private static OpenedImage OpenNamed(string path, byte[] bytes, bool readWrite, string what, string namedBy)
    {
        try { return ImageOpener.Open(path, bytes, readWrite); }
        catch (ImageLockException e) when (e is not ImageLockConflictException)
        {
            throw new ImageLockException(path, $"Could not open {what} of '{PathBytes.Display(namedBy)}': {e.Message}", e.Errno, e);
        }
    }

    private static string RemoteNote(string what, byte[] name, string namedBy, string protocol) =>
        $"{what} '{PathBytes.Display(PathBytes.Decode(name))}' of '{PathBytes.Display(namedBy)}' is reached over {protocol}: " +
        "QEMU takes no file locks there, so neither does ImageLock; its server guards it";
}
