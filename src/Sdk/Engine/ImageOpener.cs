using ImageLock.Interop;
using Microsoft.Win32.SafeHandles;

namespace ImageLock.Engine;

/// <summary>Opens an image with open(2) — never FileStream, never flock — and rejects what is not a disk image
/// before any lock is taken. A FIFO cannot block: the open is O_NONBLOCK.</summary>
internal static class ImageOpener
{
    public static void ValidatePath(string? path)
    {
        ArgumentNullException.ThrowIfNull(path);
        // ' ' is a valid file name, and QEMU opens it; only the empty name is no name.
        if (path.Length == 0)
            throw new ArgumentException("The image path is empty: pass the path of a qcow2 or raw image.", nameof(path));
        if (path.Contains('\0'))
            throw new ArgumentException($"The image path [{path.Replace("\0", "\\0")}] contains a NUL character.", nameof(path));
    }

    /// <summary>Opens the file a caller's path string names (escaped bytes included, see <see cref="PathBytes"/>).</summary>
    public static OpenedImage Open(string path, bool readWrite)
    {
        ValidatePath(path);
        return Open(path, PathBytes.Encode(path), readWrite);
    }

    /// <summary>Opens exactly <paramref name="bytes"/>; <paramref name="path"/> is their string, for messages.</summary>
    public static OpenedImage Open(string path, ReadOnlySpan<byte> bytes, bool readWrite)
    {
        int fd = -1;
        int err = bytes.IndexOf((byte)0) >= 0 ? LockTypes.EINVAL : Syscalls.Open(bytes, readWrite, out fd);
        if (err != 0)
            throw new ImageLockException(path, $"Could not open '{PathBytes.Display(path)}': {Syscalls.Describe(err)}{OpenHint(err, readWrite)}", err);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        string shown = PathBytes.Display(path);
        try
        {
            err = Syscalls.FileType(fd, out var kind, out ulong device, out ulong inode);
            if (err != 0)
                throw new ImageLockException(path, $"Could not stat '{shown}': {Syscalls.Describe(err)}", err);
            if (kind is not (FileKind.Regular or FileKind.BlockDevice))
                throw new ImageLockException(path, $"Could not open '{shown}': {KindText(kind)}, not a disk image. " +
                    "ImageLock opens regular files (qcow2, raw) and block devices only.");
            return new OpenedImage(handle, fd, device, inode, kind);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    // QEMU's message is the first line ("Could not open 'PATH': strerror"); our hint goes on a line of its own.
    private static string OpenHint(int err, bool readWrite) =>
        err == LockTypes.ENOENT ? "\nCheck the path."
        : err == LockTypes.EACCES ? (readWrite
            ? "\nThe grant needs write access (perm write, write-unchanged or resize): run as a user who may write the image."
            : "\nRun as a user who may read the image.")
        : err == LockTypes.EISDIR ? "\nPass an image file, not a directory."
        : "";

    private static string KindText(FileKind kind) => kind switch
    {
        FileKind.Directory => "it is a directory",
        FileKind.Fifo => "it is a FIFO",
        FileKind.Socket => "it is a socket",
        FileKind.CharacterDevice => "it is a character device",
        _ => "it is not a regular file or block device",
    };
}

/// <summary>An open image descriptor plus the identity /proc uses to name its locks.</summary>
internal sealed record OpenedImage(SafeFileHandle Handle, int Fd, ulong Device, ulong Inode, FileKind Kind) : IDisposable
{
    public void Dispose() => Handle.Dispose();
}
