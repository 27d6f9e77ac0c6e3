namespace ImageLock;

/// <summary>
/// Permissions a lease uses on an image, QEMU's <c>BLK_PERM_*</c> bits.
/// Bit <c>i</c> is published as a read lock on byte <c>100 + i</c> of the image.
/// </summary>
[Flags]
public enum Perm
{
    /// <summary>No permission.</summary>
    None = 0,
    /// <summary>QEMU's "consistent read": the image's content does not change under the reader's feet unless someone holds <see cref="Write"/>.</summary>
    Read = 1,
    /// <summary>Write guest-visible data ("write").</summary>
    Write = 2,
    /// <summary>Write data that does not change what a reader sees ("write unchanged").</summary>
    WriteUnchanged = 4,
    /// <summary>Change the image's length ("resize").</summary>
    Resize = 8,
    /// <summary>All four permissions.</summary>
    All = Read | Write | WriteUnchanged | Resize,
}

/// <summary>
/// Permissions a lease forbids to every other user of the image.
/// Bit <c>i</c> is published as a read lock on byte <c>200 + i</c> of the image.
/// </summary>
[Flags]
public enum Unshare
{
    /// <summary>Others may do anything.</summary>
    None = 0,
    /// <summary>Others may not hold "consistent read".</summary>
    Read = 1,
    /// <summary>Others may not write.</summary>
    Write = 2,
    /// <summary>Others may not hold "write unchanged".</summary>
    WriteUnchanged = 4,
    /// <summary>Others may not resize.</summary>
    Resize = 8,
    /// <summary>Others may not use the image at all.</summary>
    All = Read | Write | WriteUnchanged | Resize,
}
