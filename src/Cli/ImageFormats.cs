using ImageLock.Engine;
using ImageLock.Qcow2;

namespace ImageLock.Cli;

/// <summary><c>-f/--format raw|qcow2</c>, as qemu-img and qemu-io take it. Without it an image is one file (raw),
/// and a file with a qcow2 header is refused rather than guessed (ImageGraphLease's refuseQcow2Header): its header may
/// come from a guest, and holding it as qcow2 would open the files it names, holding it as raw would leave its backing
/// files unheld.</summary>
internal static class ImageFormats
{
    public static ImageFormat Parse(string text, string command, string usage) => text switch
    {
        "raw" => ImageFormat.Raw,
        "qcow2" => ImageFormat.Qcow2,
        _ => throw new UsageException($"{command}: unknown format '{text}': use raw or qcow2", usage),
    };

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
