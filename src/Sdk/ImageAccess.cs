using ImageLock.Interop;
using Microsoft.Win32.SafeHandles;

namespace ImageLock;

/// <summary>
/// The capability a held <see cref="ImageLease"/> hands out: I/O on the image that the grant allows. Each operation
/// checks the grant at run time (for code built without the analyzers); after the lease is released every operation
/// throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class ImageAccess
{
    private readonly ImageLease _lease;

    internal ImageAccess(ImageLease lease) => _lease = lease;

    /// <summary>The image, as the caller named it.</summary>
    public string ImagePath => _lease.ImagePath;

    /// <summary>The permissions granted.</summary>
    public Perm Perm => _lease.Perm;

    /// <summary>The permissions forbidden to others.</summary>
    public Unshare Unshare => _lease.Unshare;

    /// <summary>True when the lease grants every permission in <paramref name="perm"/>. The analyzers treat
    /// <c>if (image.Allows(Perm.Resize)) { image.SetLength(n); }</c> as guarded: a body annotated with a smaller grant may
    /// still use the operation when a caller passes it a capability with more.</summary>
    public bool Allows(Perm perm) => (_lease.Perm & perm) == perm;

    /// <summary>The descriptor, for advanced use. Do not close it, and do not pass it to a child process.</summary>
    public SafeFileHandle Handle => _lease.Handle;

    /// <summary>The image file's length in bytes (needs no permission).</summary>
    public long Length => RandomAccess.GetLength(Handle);

    /// <summary>Reads at <paramref name="offset"/>; needs <see cref="Perm.Read"/>. Returns the bytes read (0 at the end).</summary>
    public int Read(long offset, Span<byte> buffer)
    {
        Demand(Perm.Read, nameof(Read), "Perm.Read");
        return RandomAccess.Read(Handle, buffer, offset);
    }

    /// <inheritdoc cref="Read"/>
    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Demand(Perm.Read, nameof(ReadAsync), "Perm.Read");
        return RandomAccess.ReadAsync(Handle, buffer, offset, cancellationToken);
    }

    /// <summary>Writes at <paramref name="offset"/>; needs <see cref="Perm.Write"/>.</summary>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        Demand(Perm.Write, nameof(Write), "Perm.Write");
        RandomAccess.Write(Handle, data, offset);
    }

    /// <inheritdoc cref="Write"/>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        Demand(Perm.Write, nameof(WriteAsync), "Perm.Write");
        return RandomAccess.WriteAsync(Handle, data, offset, cancellationToken);
    }

    /// <summary>Writes data that leaves what readers see unchanged (QEMU's "write unchanged", e.g. copy-on-read);
    /// needs <see cref="Perm.WriteUnchanged"/> or <see cref="Perm.Write"/>.</summary>
    public void WriteUnchanged(long offset, ReadOnlySpan<byte> data)
    {
        Demand(Perm.WriteUnchanged | Perm.Write, nameof(WriteUnchanged), "Perm.WriteUnchanged or Perm.Write", any: true);
        RandomAccess.Write(Handle, data, offset);
    }

    /// <summary>Resizes the image file; needs <see cref="Perm.Resize"/>.</summary>
    public void SetLength(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Demand(Perm.Resize, nameof(SetLength), "Perm.Resize");
        Check(WithDescriptor(fd => Syscalls.Truncate(fd, length)), nameof(SetLength));
    }

    /// <summary>Flushes written data to stable storage (fsync).</summary>
    public void Flush()
    {
        Check(WithDescriptor(Syscalls.Sync), nameof(Flush));
    }

    /// <summary>Runs a raw syscall on the descriptor while holding a reference to it, so a concurrent release cannot
    /// close it (and the kernel hand its number to another file) in between.</summary>
    private int WithDescriptor(Func<int, int> syscall)
    {
        var handle = Handle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return syscall((int)handle.DangerousGetHandle());
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private void Check(int errno, string operation)
    {
        if (errno != 0)
            throw new ImageLockException(ImagePath, $"{operation} on [{ImagePath}] failed: {Syscalls.Describe(errno)}", errno);
    }

    private void Demand(Perm needed, string operation, string requirement, bool any = false)
    {
        _ = Handle; // released leases throw ObjectDisposedException first
        var granted = _lease.Perm;
        bool ok = any ? (granted & needed) != 0 : (granted & needed) == needed;
        if (!ok) throw new ImageAccessDeniedException(ImagePath, operation, requirement, granted, _lease.Unshare);
    }
}
