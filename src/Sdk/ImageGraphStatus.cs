using ImageLock.Graph;

namespace ImageLock;

/// <summary>Who holds each file of an image's graph, as <c>qemu-img info --backing-chain</c> lists a chain. Takes no
/// lock: every file is opened read-only and probed with F_OFD_GETLK only.</summary>
public sealed class ImageGraphStatus
{
    private ImageGraphStatus(string imagePath, ImageFormat format, IReadOnlyList<ImageGraphFile> files,
        IReadOnlyList<ImageStatus> statuses, IReadOnlyList<string> notes)
    {
        ImagePath = imagePath;
        Format = format;
        Files = files;
        Statuses = statuses;
        Notes = notes;
    }

    /// <summary>The image, as the caller named it.</summary>
    public string ImagePath { get; }

    /// <summary>The image's format, as the caller gave it.</summary>
    public ImageFormat Format { get; }

    /// <summary>Every file QEMU opens for the image, in the order <see cref="ImageGraphLease.Files"/> has them.
    /// Their grants are those of a read-only user (<c>qemu-io -r</c>).</summary>
    public IReadOnlyList<ImageGraphFile> Files { get; }

    /// <summary>The status of each file, in the order of <see cref="Files"/>.</summary>
    public IReadOnlyList<ImageStatus> Statuses { get; }

    /// <summary>Links QEMU follows without opening a local file (e.g. a backing image over NBD).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Probes every file of the graph of <paramref name="imagePath"/> opened as <paramref name="format"/>.</summary>
    /// <exception cref="Qcow2FormatException">QEMU would not open the image.</exception>
    /// <exception cref="ImageLockException">A file of the graph cannot be opened.</exception>
    public static ImageGraphStatus Probe(string imagePath, ImageFormat format, bool identifyHolders = true)
    {
        using var plan = GraphWalker.Open(imagePath, format, Perm.Read, Unshare.None, readOnly: true);
        var statuses = plan.Files.Select(f => ImageStatus.Probe(f.File.Path, f.Image, identifyHolders: false)).ToList();
        return new ImageGraphStatus(imagePath, format, plan.Files.Select(f => f.File).ToArray(),
            identifyHolders ? ImageStatus.IdentifyHolders(statuses) : statuses, plan.Notes.ToArray());
    }
}
