using ImageLock.Engine;
using ImageLock.Qcow2;

namespace ImageLock.Cli;

/// <summary><c>-f/--format raw|qcow2</c>, as qemu-img and qemu-io take it. Without it an image is one file (raw),
/// and a file with a qcow2 header is refused rather than guessed: its header may come from a guest, and holding it
/// as qcow2 would open the files it names, holding it as raw would leave its backing files unheld.</summary>
internal static class ImageFormats
{
    public static ImageFormat Parse(string text, string command, string usage) => text switch
    {
        "raw" => ImageFormat.Raw,
        "qcow2" => ImageFormat.Qcow2,
        _ => throw new UsageException($"{command}: unknown format '{text}': use raw or qcow2", usage),
    };

    /// <summary>The format to open <paramref name="image"/> with: the one given, else raw unless the file has a qcow2 header.</summary>
    public static ImageFormat Require(string image, ImageFormat? given, string command, string usage)
    {
        if (given is ImageFormat format) return format;
        if (LooksQcow2(image))
            throw new UsageException($"{command}: '{image}' has a qcow2 header: pass -f qcow2 to take every file QEMU opens for it " +
                "(its data file and backing chain), or -f raw to take this one file", usage);
        return ImageFormat.Raw;
    }

    /// <summary>QEMU's qcow2 probe on the first bytes; a file that cannot be opened is left to the command to report.</summary>
    public static bool LooksQcow2(string path)
    {
        try
        {
            using var image = ImageOpener.Open(path, readWrite: false);
            return Qcow2Header.Probe(image);
        }
        catch (Exception e) when (e is ImageLockException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
