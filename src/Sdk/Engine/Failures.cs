using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>Turns a protocol failure into the exception a user sees, with QEMU's wording and the holders.</summary>
internal static class Failures
{
    public static ImageLockException ToException(string path, LockFailure failure, OpenedImage image)
    {
        if (failure.IsConflict)
        {
            var holders = HolderScan.Find(image.Device, image.Inode, out _);
            return new ImageLockConflictException(path, (Perm)(1 << failure.Bit), failure.Shared, failure.Byte, holders);
        }
        string first = failure.Byte is int b
            ? $"Failed to lock byte {b}: {Syscalls.Describe(failure.Errno)}"
            : ImageLockConflictException.QemuFirstLine((Perm)(1 << failure.Bit), failure.Shared, null) + ": " + Syscalls.Describe(failure.Errno);
        if (failure.IsUnsupported)
            return new ImageLockUnsupportedException(path,
                $"{first}\nThe filesystem holding [{path}] refuses byte-range locks, so QEMU cannot coordinate on it either. " +
                "Keep images on a local filesystem, NFSv4 or CephFS, or use LockingMode.Off only if access is coordinated by other means.",
                failure.Errno);
        return new ImageLockException(path, $"{first}\nIs another process using the image [{path}]?", failure.Errno);
    }
}
