namespace ImageLock;

/// <summary>One image of a backing chain: its path and, for qcow2 images, its header.</summary>
public sealed record ChainLink(string Path, Qcow2Header? Header);

/// <summary>Discovers a qcow2 backing chain from the headers, refusing loops, absurd depths and missing files.</summary>
public static class BackingChain
{
    /// <summary>Deeper chains are refused as hostile; real chains are a handful of snapshots deep.</summary>
    public const int MaxDepth = 64;

    /// <summary>The chain starting at <paramref name="imagePath"/>: the image itself first, then each backing file.
    /// Relative backing names are resolved against the directory of the image that names them, as QEMU does.</summary>
    /// <exception cref="Qcow2FormatException">A header is corrupt, the chain loops or is deeper than <see cref="MaxDepth"/>,
    /// or a backing file is missing.</exception>
    public static IReadOnlyList<ChainLink> Discover(string imagePath)
    {
        var links = new List<ChainLink>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? path = imagePath;
        string? namedBy = null;
        while (path is not null)
        {
            if (links.Count >= MaxDepth)
                throw new Qcow2FormatException(imagePath, $"The backing chain of '{imagePath}' is deeper than {MaxDepth} images; refusing it as corrupt or hostile.");
            if (namedBy is not null && !File.Exists(path) && !IsBlockDevice(path))
                throw new Qcow2FormatException(imagePath, $"Could not open backing file '{path}' named by '{namedBy}': No such file or directory.");
            string identity = Identity(path);
            if (!seen.Add(identity))
                throw new Qcow2FormatException(imagePath, $"The backing chain of '{imagePath}' loops: '{namedBy}' names '{path}', which is already in the chain.");

            var header = Qcow2Header.Read(path);
            links.Add(new ChainLink(path, header));
            namedBy = path;
            path = header?.BackingFile is string name ? Resolve(path, name) : null;
        }
        return links;
    }

    private static string Resolve(string image, string backingName) =>
        Path.IsPathRooted(backingName) || backingName.Contains("://", StringComparison.Ordinal)
            ? backingName
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(image)) ?? "/", backingName);

    private static string Identity(string path)
    {
        try { return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path); }
        catch (IOException) { return Path.GetFullPath(path); }
    }

    private static bool IsBlockDevice(string path) => path.StartsWith("/dev/", StringComparison.Ordinal) && Path.Exists(path);
}
