using ImageLock.Interop;
using Microsoft.Win32.SafeHandles;

namespace ImageLock;

/// <summary>
/// The capability a held <see cref="ImageLease"/> hands out: I/O on the image that the grant allows. Each operation
/// checks the grant at run time (for code built without the analyzers). Operations may run on many threads at once, also
/// while another thread changes or releases the lease: an operation in flight finishes under the grant it started with
/// (<see cref="ImageLease.Change"/> and <see cref="ImageLease.Dispose"/> wait for it); after the release every operation
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

    /// <summary>The descriptor, for advanced use: valid only until the lease's next <see cref="ImageLease.Change"/>
    /// (which may replace it) or release, and unguarded by either. Do not close it, and do not pass it to a child process.</summary>
    public SafeFileHandle Handle => _lease.Handle;

    /// <summary>The image file's length in bytes (needs no permission).</summary>
    public long Length
    {
        get
        {
            using var op = _lease.Enter(Perm.None, nameof(Length), "no permission");
            return RandomAccess.GetLength(op.Handle);
        }
    }

    /// <summary>Reads at <paramref name="offset"/>; needs <see cref="Perm.Read"/>. Returns the bytes read (0 at the end).</summary>
    public int Read(long offset, Span<byte> buffer)
    {
        using var op = _lease.Enter(Perm.Read, nameof(Read), "Perm.Read");
        return RandomAccess.Read(op.Handle, buffer, offset);
    }

    /// <inheritdoc cref="Read"/>
    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var op = _lease.Enter(Perm.Read, nameof(ReadAsync), "Perm.Read"); // refusals throw here, not in the task
        return ReadAsync(op, offset, buffer, cancellationToken);
    }

    /// <summary>Writes at <paramref name="offset"/>; needs <see cref="Perm.Write"/>.</summary>
    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        using var op = _lease.Enter(Perm.Write, nameof(Write), "Perm.Write");
        RandomAccess.Write(op.Handle, data, offset);
    }

    /// <inheritdoc cref="Write"/>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var op = _lease.Enter(Perm.Write, nameof(WriteAsync), "Perm.Write");
        return WriteAsync(op, offset, data, cancellationToken);
    }

    /// <summary>Writes data that leaves what readers see unchanged (QEMU's "write unchanged", e.g. copy-on-read);
    /// needs <see cref="Perm.WriteUnchanged"/> or <see cref="Perm.Write"/>.</summary>
    public void WriteUnchanged(long offset, ReadOnlySpan<byte> data)
    {
        using var op = _lease.Enter(Perm.WriteUnchanged | Perm.Write, nameof(WriteUnchanged), "Perm.WriteUnchanged or Perm.Write", any: true);
        RandomAccess.Write(op.Handle, data, offset);
    }

    /// <summary>Resizes the image file; needs <see cref="Perm.Resize"/>.</summary>
    public void SetLength(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        using var op = _lease.Enter(Perm.Resize, nameof(SetLength), "Perm.Resize");
        Check(Syscalls.Truncate(op.Fd, length), nameof(SetLength));
    }

    /// <summary>Flushes written data to stable storage (fsync).</summary>
    public void Flush()
    {
        using var op = _lease.Enter(Perm.None, nameof(Flush), "no permission");
        Check(Syscalls.Sync(op.Fd), nameof(Flush));
    }

    private static async ValueTask<int> ReadAsync(ImageLease.Operation op, long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using (op) return await RandomAccess.ReadAsync(op.Handle, buffer, offset, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask WriteAsync(ImageLease.Operation op, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using (op) await RandomAccess.WriteAsync(op.Handle, data, offset, cancellationToken).ConfigureAwait(false);
    }

    private void Check(int errno, string operation)
    {
        if (errno != 0)
            throw new ImageLockException(ImagePath, $"{operation} on [{ImagePath}] failed: {Syscalls.Describe(errno)}", errno);
    }
}
