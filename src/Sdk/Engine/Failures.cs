using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>Turns a protocol failure into the exception a user sees, with QEMU's wording and the holders.</summary>
internal static class Failures
{
    /// <summary>The conflict is decided before this is called and everything added is rolled back; naming the holders
    /// of the conflicting byte takes at most <paramref name="holderScanBudget"/>.</summary>
    public static ImageLockException ToException(string path, LockFailure failure, OpenedImage image, LockApi? api, TimeSpan holderScanBudget)
    {
        if (failure.IsConflict)
        {
            var report = HolderScan.ForConflict(path, image, api, failure.ConflictByte, holderScanBudget);
            return new ImageLockConflictException(path, (Perm)(1 << failure.Bit), failure.Shared, failure.Byte, report);
        }
        // QEMU appends its hint only after a failed check, never after a byte it could not lock.
        string message = failure.Byte is int b
            ? $"Failed to lock byte {b}: {Syscalls.Describe(failure.Errno)}"
            : ImageLockConflictException.QemuFirstLine((Perm)(1 << failure.Bit), failure.Shared, null) + ": " + Syscalls.Describe(failure.Errno)
              + $"\nIs another process using the image [{path}]?";
        if (failure.IsUnsupported)
            return new ImageLockUnsupportedException(path,
                $"{message}\nThe filesystem holding [{path}] refuses byte-range locks, so QEMU cannot coordinate on it either. " +
                "Keep images on a local filesystem, NFSv4 or CephFS, or use LockingMode.Off only if access is coordinated by other means.",
                failure.Errno);
        return new ImageLockException(path, message, failure.Errno);
    }
}
