namespace ImageLock.Engine;

/// <summary>A set of lock bytes: perm bits (bytes 100+i) and unshare bits (bytes 200+i).</summary>
internal readonly record struct LockBits(int Perm, int Unshare)
{
    public static readonly LockBits Empty = default;

    public static LockBits Of(ImageLock.Perm perm, ImageLock.Unshare unshare) => new((int)perm, (int)unshare);

    public LockBits Union(LockBits other) => new(Perm | other.Perm, Unshare | other.Unshare);

    /// <summary>QEMU's "relaxing" test: fewer perms and fewer unshares than <paramref name="current"/> need no check.</summary>
    public bool OnlyRelaxes(LockBits current) => (Perm & ~current.Perm) == 0 && (Unshare & ~current.Unshare) == 0;

    public bool IsEmpty => Perm == 0 && Unshare == 0;

    public override string ToString() => $"perm={PermNames.FormatBits(Perm)} unshare={PermNames.FormatBits(Unshare)}";
}
