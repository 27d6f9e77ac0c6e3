namespace ImageLock.Tests.Support;

internal static class LeaseFacts
{
    /// <summary>Options that let a refusal name every holder however busy the machine: the default 50 ms budget may
    /// run out on a loaded one, and tests never depend on timing.</summary>
    public static readonly ImageLockOptions NamingEveryHolder = new() { HolderScanBudget = Timeout.InfiniteTimeSpan };

    /// <summary>The descriptor that carries the lease's locks.</summary>
    public static int Fd(this ImageLease lease) => (int)lease.Access.Handle.DangerousGetHandle();

    /// <summary>Asserts, from another open file description, that exactly this grant is held on the image by others.</summary>
    public static void AssertProbe(string path, Perm perm, Unshare unshare)
    {
        var status = ImageStatus.Probe(path, identifyHolders: false);
        Assert.Equal((perm, unshare, false, false), (status.Perm, status.Unshare, status.LegacyPerm, status.LegacyUnshare));
    }

    public static void AssertFree(string path)
    {
        var status = ImageStatus.Probe(path, identifyHolders: false);
        Assert.True(status.IsFree, $"[{path}] still holds perm={status.Perm} unshare={status.Unshare}");
    }

    /// <summary>The conflict QEMU reports first (loop 1: our perm vs their 200+i, then loop 2: our unshare vs their 100+i), or null.</summary>
    public static (Perm Permission, bool Shared)? FirstConflict(Perm heldPerm, Unshare heldUnshare, Perm perm, Unshare unshare)
    {
        for (int i = 0; i < 4; i++)
            if (((int)perm & (int)heldUnshare & (1 << i)) != 0) return ((Perm)(1 << i), false);
        for (int i = 0; i < 4; i++)
            if (((int)unshare & (int)heldPerm & (1 << i)) != 0) return ((Perm)(1 << i), true);
        return null;
    }

    public static readonly string[] QemuNames = ["consistent read", "write", "write unchanged", "resize"];

    public static string QemuName(Perm single) => QemuNames[System.Numerics.BitOperations.Log2((uint)single)];
}
