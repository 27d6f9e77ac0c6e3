namespace ImageLock;

/// <summary>
/// Declares the lease a method's body needs. The method takes exactly one <see cref="ImageAccess"/> parameter;
/// the ImageLock source generator writes an overload that takes the image path in its place, acquires a lease with
/// this grant, runs the body with <see cref="ImageLease.Access"/> and releases the lease when the body completes.
/// The ImageLock analyzers check every use of the capability against this grant.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RequiresImageAccessAttribute : Attribute
{
    /// <summary>Declares the permissions the body uses and those it forbids to others.</summary>
    public RequiresImageAccessAttribute(Perm perm, Unshare unshare = Unshare.None)
    {
        Perm = perm;
        Unshare = unshare;
    }

    /// <summary>Permissions the body uses.</summary>
    public Perm Perm { get; }

    /// <summary>Permissions the body forbids to every other user of the image while it runs.</summary>
    public Unshare Unshare { get; }

    /// <summary>How long the generated wrapper waits for a conflicting holder to go away, in milliseconds.
    /// 0 (the default) fails at once, as QEMU does; -1 waits until the caller's CancellationToken is cancelled.</summary>
    public int WaitMilliseconds { get; set; }

    /// <summary>When true the image is qcow2 and the wrapper holds its whole graph the way QEMU holds it
    /// (<see cref="ImageGraphLease"/>: its file, external data file and backing chain, each with QEMU's grant).</summary>
    public bool LockBackingChain { get; set; }

    /// <summary>Why the body needs this grant; diagnostics echo it.</summary>
    public string? Justification { get; set; }
}
