namespace ImageLock.Benchmarks;

/// <summary>The common grants of docs/benchmarks.md, benchmark 1.</summary>
public enum Grant
{
    /// <summary>Backup reader: perm Read, unshare Write|Resize.</summary>
    BackupReader,
    /// <summary>qcow2 read-write node: perm Read|Write|Resize, unshare Write|Resize.</summary>
    Qcow2ReadWrite,
    /// <summary>Exclusive: perm All, unshare All.</summary>
    Exclusive,
}

public static class Grants
{
    public static (Perm Perm, Unshare Unshare) Of(Grant grant) => grant switch
    {
        Grant.BackupReader => (Perm.Read, Unshare.Write | Unshare.Resize),
        Grant.Qcow2ReadWrite => (Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize),
        Grant.Exclusive => (Perm.All, Unshare.All),
        _ => throw new ArgumentOutOfRangeException(nameof(grant)),
    };
}
