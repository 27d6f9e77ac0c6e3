namespace ImageLock;

/// <summary>The format of an image, given as QEMU's <c>-f</c> or libvirt's <c>&lt;driver type=…&gt;</c> gives it: never
/// guessed from the image's content, which a guest may write.</summary>
public enum ImageFormat
{
    /// <summary>A raw image: one file, never parsed.</summary>
    Raw = 0,

    /// <summary>A qcow2 image: its file, its external data file if any, and its backing chain.</summary>
    Qcow2 = 1,
}
