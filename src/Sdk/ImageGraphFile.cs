using ImageLock.Interop;

namespace ImageLock;

/// <summary>What a file is to the image QEMU opens it for.</summary>
public enum ImageRole
{
    /// <summary>The file of the image itself (its format node's "file" child; for raw, the image).</summary>
    Image = 0,

    /// <summary>The external data file of a qcow2 image, or of a qcow2 backing image (the "data-file" child).</summary>
    DataFile = 1,

    /// <summary>The file of a backing image, at <see cref="ImageGraphFile.Depth"/> 1 and below.</summary>
    Backing = 2,
}

/// <summary>One file QEMU opens and locks for an image, with the grant QEMU takes on it.</summary>
public sealed class ImageGraphFile
{
    private readonly byte[] _pathBytes;

    internal ImageGraphFile(ImageRole role, int depth, byte[] pathBytes, ImageFormat? format, Perm perm, Unshare unshare, string? namedBy)
    {
        Role = role;
        Depth = depth;
        _pathBytes = pathBytes;
        Path = Interop.PathBytes.Decode(pathBytes);
        Format = format;
        Perm = perm;
        Unshare = unshare;
        NamedBy = namedBy;
    }

    /// <summary>The file's role.</summary>
    public ImageRole Role { get; }

    /// <summary>0 for the image itself and its data file, 1 for its backing image's files, and so on down the chain.</summary>
    public int Depth { get; }

    /// <summary>The file as QEMU names it: relative names resolved as QEMU resolves them. A name that is not valid
    /// UTF-8 carries each invalid byte as U+DC80+byte; ImageLock opens exactly that file from this string, other APIs
    /// would not: use <see cref="PathBytes"/>.</summary>
    public string Path { get; }

    /// <summary>The exact bytes of the file's name.</summary>
    public ReadOnlyMemory<byte> PathBytes => _pathBytes;

    /// <summary>The format of the image whose file this is; null for a data file.</summary>
    public ImageFormat? Format { get; }

    /// <summary>The permissions QEMU takes on this file for the image's grant.</summary>
    public Perm Perm { get; }

    /// <summary>The permissions QEMU forbids on this file for the image's grant.</summary>
    public Unshare Unshare { get; }

    /// <summary>The image whose header names this file; null for the image itself.</summary>
    public string? NamedBy { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Interop.PathBytes.Display(Path)} ({Describe()}): perm={PermNames.Format(Perm)} unshare={PermNames.Format(Unshare)}";

    internal string Describe() => Role == ImageRole.DataFile
        ? (Depth == 0 ? "data file" : $"data file of backing {Depth}")
        : Role == ImageRole.Backing ? $"backing {Depth}, {FormatName}" : FormatName;

    private string FormatName => Format == ImageFormat.Qcow2 ? "qcow2" : "raw";
}
