using System.Globalization;
using ImageLock.Engine;

namespace ImageLock;

/// <summary>
/// Another user of the image holds a permission we need, or forbids one we use. The message is QEMU's:
/// <c>Failed to get "write" lock</c> or <c>Failed to get shared "write" lock</c> with the line
/// <c>Is another process using the image [PATH]?</c>, or <c>Failed to lock byte N</c> (after which QEMU prints no hint;
/// our own line names the image); then, each on a line of its own, the holders of the conflicting byte that could be named, and why the list may be short.
/// </summary>
public sealed class ImageLockConflictException : ImageLockException
{
    /// <summary>Creates the exception; <paramref name="holders"/> are the processes status could name.</summary>
    public ImageLockConflictException(string imagePath, Perm permission, bool shared, int? lockedByte,
        IReadOnlyList<LockHolder> holders)
        : this(imagePath, permission, shared, lockedByte, new HolderReport(holders, HolderNote.None, 0, TimeSpan.Zero)) { }

    internal ImageLockConflictException(string imagePath, Perm permission, bool shared, int? lockedByte, HolderReport report)
        : base(imagePath, Compose(imagePath, permission, shared, lockedByte, report))
    {
        Permission = permission;
        Shared = shared;
        LockedByte = lockedByte;
        Holders = report.Holders;
        IsTransient = report.Note == HolderNote.Transient;
        HoldersComplete = report.Note is HolderNote.None or HolderNote.Transient;
    }

    /// <summary>The permission that conflicted (a single bit).</summary>
    public Perm Permission { get; }

    /// <summary>True for the shared form: we wanted to forbid <see cref="Permission"/> but someone uses it.
    /// False: we wanted to use <see cref="Permission"/> but someone forbids it.</summary>
    public bool Shared { get; }

    /// <summary>Set when a byte could not even be read-locked (someone holds a write lock on it): QEMU's
    /// <c>Failed to lock byte N</c>.</summary>
    public int? LockedByte { get; }

    /// <summary>The processes holding the conflicting byte, as far as /proc and the holder scan budget let us see them.</summary>
    public IReadOnlyList<LockHolder> Holders { get; }

    /// <summary>True when nobody held the conflicting byte any more by the time we looked: trying again may succeed.</summary>
    public bool IsTransient { get; }

    /// <summary>False when <see cref="Holders"/> may miss someone: the scan ran out of time or was not run, some of /proc
    /// could not be read, or the holder is not visible from here (another host, another PID namespace).</summary>
    public bool HoldersComplete { get; }

    /// <summary>QEMU's first line: <c>Failed to get "write" lock</c>, <c>Failed to get shared "write" lock</c> or <c>Failed to lock byte N</c>.</summary>
    public string QemuMessage => QemuFirstLine(Permission, Shared, LockedByte);

    /// <summary>QEMU's hint line <c>Is another process using the image [PATH]?</c>; null for <c>Failed to lock byte N</c>,
    /// after which QEMU prints none.</summary>
    public string? Hint => LockedByte is null ? HintLine(ImagePath) : null;

    internal static string QemuFirstLine(Perm permission, bool shared, int? lockedByte) =>
        lockedByte is int b ? $"Failed to lock byte {b}"
        : shared ? $"Failed to get shared \"{PermNames.QemuName(permission)}\" lock"
        : $"Failed to get \"{PermNames.QemuName(permission)}\" lock";

    private static string HintLine(string path) => $"Is another process using the image [{path}]?";

    private static string Compose(string path, Perm permission, bool shared, int? lockedByte, HolderReport report)
    {
        var text = QemuFirstLine(permission, shared, lockedByte) + "\n" + (lockedByte is int b
            ? $"Someone holds a write lock on byte {b} of [{path}], which no QEMU ever takes." // ours: QEMU prints no hint here
            : HintLine(path));
        foreach (var holder in report.Holders)
            text += "\n" + holder.Describe();
        return Note(report) is string note ? text + "\n" + note : text;
    }

    private static string? Note(HolderReport report) => report.Note switch
    {
        HolderNote.Transient => $"Nobody holds byte {report.Byte} any more: the conflict was transient, and trying again may succeed.",
        HolderNote.NotLookedUp => "Holders not named: ImageLockOptions.HolderScanBudget is zero.",
        HolderNote.OutOfTime => $"Stopped naming holders of byte {report.Byte} after " +
            $"{report.Budget.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms " +
            "(ImageLockOptions.HolderScanBudget): more processes may hold it.",
        HolderNote.Unreadable => $"Some processes could not be inspected in /proc; run as root to name every holder of byte {report.Byte}.",
        HolderNote.NotVisible => $"No process visible here holds byte {report.Byte}: it is held from another host (e.g. over NFS) or another PID namespace.",
        _ => null,
    };
}
