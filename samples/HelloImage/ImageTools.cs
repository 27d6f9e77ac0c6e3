using ImageLock;

namespace HelloImage;

/// <summary>The bodies take the capability; the generator writes the overloads that take a path.</summary>
public static partial class ImageTools
{
    /// <summary>Stamps a greeting at the start of the image. Nobody may resize the image meanwhile.</summary>
    [RequiresImageAccess(Perm.Write, Unshare.Resize)]
    public static void Stamp(ImageAccess image, string greeting)
    {
        image.Write(0, System.Text.Encoding.ASCII.GetBytes(greeting));
        // QEMU's names (perm=write unshare=resize), as imagelock status and the conflict messages print them.
        Console.WriteLine($"  body: holding perm={PermNames.Format(image.Perm)} unshare={PermNames.Format(image.Unshare)} on {Path.GetFileName(image.ImagePath)}");
        var others = ImageStatus.Probe(image.ImagePath, identifyHolders: false);
        Console.WriteLine($"  body: a probe from another descriptor sees perm={PermNames.Format(others.Perm)} unshare={PermNames.Format(others.Unshare)}");
    }

    /// <summary>Reads back what <see cref="Stamp(ImageAccess, string)"/> wrote; others may read but not write.</summary>
    [RequiresImageAccess(Perm.Read, Unshare.Write, WaitMilliseconds = 1000)]
    public static async Task<string> ReadGreetingAsync(ImageAccess image, int length, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[length];
        int read = await image.ReadAsync(0, buffer, cancellationToken);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, read);
    }
}
