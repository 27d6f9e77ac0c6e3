namespace ImageLock.Engine;

/// <summary>Why the protocol refused: a conflict found by a check, or a byte that could not be locked.</summary>
internal readonly record struct LockFailure(int Bit, bool Shared, int? Byte, int Errno)
{
    /// <summary>QEMU's loop 1: we use perm <paramref name="bit"/>, someone unshares it (byte 200+bit).</summary>
    public static LockFailure PermConflict(int bit) => new(bit, false, null, 0);

    /// <summary>QEMU's loop 2: we unshare <paramref name="bit"/>, someone uses it (byte 100+bit).</summary>
    public static LockFailure SharedConflict(int bit) => new(bit, true, null, 0);

    /// <summary>fcntl(SETLK) of <paramref name="lockByte"/> failed with <paramref name="errno"/>.</summary>
    public static LockFailure ByteFailure(int lockByte, int errno) => new((lockByte % 100), lockByte >= LockProtocol.SharedBase, lockByte, errno);

    /// <summary>fcntl(GETLK) testing for <paramref name="conflict"/> failed with <paramref name="errno"/>.</summary>
    public static LockFailure TestFailure(LockFailure conflict, int errno) => conflict with { Errno = errno };

    /// <summary>The byte someone else holds: 200+i when we use perm i (loop 1), 100+i when we unshare it (loop 2), or
    /// the byte we could not lock.</summary>
    public int ConflictByte => Byte ?? (Shared ? LockProtocol.PermBase : LockProtocol.SharedBase) + Bit;

    /// <summary>A conflict with another user; EAGAIN/EACCES on SETLK means someone holds a write lock on the byte.</summary>
    public bool IsConflict => Errno == 0 || Errno == Interop.LockTypes.EAGAIN || Errno == Interop.LockTypes.EACCES;

    /// <summary>The filesystem or kernel refuses byte-range locks.</summary>
    public bool IsUnsupported => Errno == Interop.LockTypes.ENOLCK || Errno == Interop.LockTypes.EINVAL || Errno == Interop.LockTypes.EOPNOTSUPP;
}
