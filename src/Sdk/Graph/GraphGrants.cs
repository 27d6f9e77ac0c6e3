namespace ImageLock.Graph;

/// <summary>
/// The grant QEMU 7.2's block layer gives each file of an image whose users hold perm P and forbid U
/// (block.c: bdrv_default_perms_for_storage / _for_cow, raw-format.c: raw_child_perm). Measured against
/// qemu-io and qemu-system-x86_64 in tests/Qemu.Tests/Graph; the table is in docs/protocol.md ("The image graph").
/// </summary>
internal static class GraphGrants
{
    private const Perm WriteResize = Perm.Write | Perm.Resize;
    private const Unshare NoWriteResize = Unshare.Write | Unshare.Resize;

    /// <summary>A node opened read-write: QEMU opens O_RDWR exactly when the grant writes or resizes.</summary>
    public static bool Writable(Perm perm) => ImageLease.NeedsReadWrite(perm);

    /// <summary>The file of a raw image: the users' grant, passed through.</summary>
    public static (Perm, Unshare) RawFile(Perm perm, Unshare unshare) => (perm, unshare);

    /// <summary>The file of a qcow2 image: metadata is always read and, when writable, written and resized; nobody
    /// else may write or resize it. Without an external data file it carries the guest data too.</summary>
    public static (Perm, Unshare) Qcow2File(Perm perm, Unshare unshare, bool writable, bool hasDataFile)
    {
        perm |= Perm.Read | (writable ? WriteResize : Perm.None);
        unshare |= NoWriteResize;
        return hasDataFile ? (perm, unshare) : Data(perm, unshare);
    }

    /// <summary>An external data file: the users' grant as data (write-unchanged needs write, write needs resize);
    /// nobody else may resize it.</summary>
    public static (Perm, Unshare) DataFile(Perm perm, Unshare unshare) => Data(perm, unshare);

    /// <summary>What a backing image's users hold: consistent read if the overlay's users read; write and resize
    /// forbidden unless the overlay's users share write.</summary>
    public static (Perm, Unshare) Backing(Perm perm, Unshare unshare) =>
        (perm & Perm.Read, (unshare & Unshare.Write) != 0 ? NoWriteResize : Unshare.None);

    private static (Perm, Unshare) Data(Perm perm, Unshare unshare)
    {
        if ((perm & Perm.WriteUnchanged) != 0) perm |= Perm.Write;
        if ((perm & Perm.Write) != 0) perm |= Perm.Resize;
        return (perm, unshare | Unshare.Resize);
    }
}
