namespace ImageLock;

/// <summary>
/// Another user of the image holds a permission we need, or forbids one we use. The message is QEMU's:
/// <c>Failed to get "write" lock</c> / <c>Failed to get shared "write" lock</c> / <c>Failed to lock byte N</c>,
/// then <c>Is another process using the image [PATH]?</c>, then the holders that could be identified.
/// </summary>
public sealed class ImageLockConflictException : ImageLockException
{
    /// <summary>Creates the exception; <paramref name="holders"/> are the processes status could name.</summary>
    public ImageLockConflictException(string imagePath, Perm permission, bool shared, int? lockedByte,
        IReadOnlyList<LockHolder> holders)
        : base(imagePath, Compose(imagePath, permission, shared, lockedByte, holders))
    {
        Permission = permission;
        Shared = shared;
        LockedByte = lockedByte;
        Holders = holders;
    }

    /// <summary>The permission that conflicted (a single bit).</summary>
    public Perm Permission { get; }

    /// <summary>True for the shared form: we wanted to forbid <see cref="Permission"/> but someone uses it.
    /// False: we wanted to use <see cref="Permission"/> but someone forbids it.</summary>
    public bool Shared { get; }

    /// <summary>Set when a byte could not even be read-locked (someone holds a write lock on it): QEMU's
    /// <c>Failed to lock byte N</c>.</summary>
    public int? LockedByte { get; }

    /// <summary>Processes holding locks on the image, as far as /proc let us see them.</summary>
    public IReadOnlyList<LockHolder> Holders { get; }

    /// <summary>QEMU's first line: <c>Failed to get "write" lock</c>, <c>Failed to get shared "write" lock</c> or <c>Failed to lock byte N</c>.</summary>
    public string QemuMessage => QemuFirstLine(Permission, Shared, LockedByte);

    /// <summary>QEMU's hint line: <c>Is another process using the image [PATH]?</c></summary>
    public string Hint => $"Is another process using the image [{ImagePath}]?";

    internal static string QemuFirstLine(Perm permission, bool shared, int? lockedByte) =>
        lockedByte is int b ? $"Failed to lock byte {b}"
        : shared ? $"Failed to get shared \"{PermNames.QemuName(permission)}\" lock"
        : $"Failed to get \"{PermNames.QemuName(permission)}\" lock";

    private static string Compose(string path, Perm permission, bool shared, int? lockedByte, IReadOnlyList<LockHolder> holders)
    {
        var text = $"{QemuFirstLine(permission, shared, lockedByte)}\nIs another process using the image [{path}]?";
        foreach (var holder in holders)
            text += "\n" + holder.Describe();
        return text;
    }
}
