namespace ImageLock.Qemu.Tests.Reference;

/// <summary>
/// Where QEMU 5.2 or 10.0 measured differently from the 7.2 tables (docs/qemu-versions.md), each with the reason.
/// Everything not listed is expected byte for byte as in 7.2, and every version's test rows prove it.
/// </summary>
public static class VersionDifferences
{
    /// <summary>A configuration that holds other bytes in <paramref name="Version"/>.</summary>
    public sealed record Bytes(string Version, string Config, string Format, string Image, string Perm, string Unshare, string Reason);

    /// <summary>An external grant with another outcome ("ok" or "rc=1: message") in <paramref name="Version"/>.</summary>
    public sealed record Acquisition(string Version, string Config, string Format, int Grant, string Outcome, string Reason);

    /// <summary>A QEMU client (index into <see cref="ReferenceTable.Clients"/>) with another outcome while the
    /// configuration of <paramref name="Version"/> holds the image.</summary>
    public sealed record ClientChange(string Version, string Config, string Format, int Client, string Outcome, string Reason);

    /// <summary>A QEMU command that ends otherwise in <paramref name="Version"/>; null keeps the 7.2 value.</summary>
    public sealed record CommandChange(string Version, string Format, string Holder, string Command, int? ExitCode, string? Message,
        ImageAfter? Image, string Reason)
    {
        public CommandOutcome Apply(CommandOutcome o) => new(ExitCode ?? o.ExitCode, Message ?? o.Message, Image ?? o.Image);
    }

    private const string LockingOffLost =
        "QEMU 5.2 loses the drive's file.locking=off when it reopens the image read-write for the device, so the VM " +
        "holds the locks of a VM without the option.";

    private const string ConvertKeepsWrite =
        "qemu-img convert only asks its source to unshare write since QEMU 6.1; 5.2 opens a raw source without " +
        "forbidding writers, so a holder that uses write does not stop it.";

    private const string CreateKeepsFile =
        "QEMU 5.2's qemu-img create -f qcow2 keeps the file when the format layer's lock fails after the protocol " +
        "layer has already truncated it and begun the new header: a qcow2 of virtual size 0 is left, the data lost all " +
        "the same (later versions delete the file).";

    public static readonly Bytes[] BytesHeldDifferences =
    [
        new("5.2", "qsys q35, -drive file.locking=off + virtio-blk-pci", "raw", "image", "read,write", "write", LockingOffLost),
        new("5.2", "qsys q35, -drive file.locking=off + virtio-blk-pci", "qcow2", "image", "read,write,resize", "write,resize", LockingOffLost),
    ];

    public static readonly Acquisition[] AcquisitionDifferences = [.. LockingOffAcquisitions()];

    public static readonly ClientChange[] ClientDifferences = [.. LockingOffClients()];

    public static readonly CommandChange[] CommandDifferences =
    [
        new("5.2", "raw", "ref perm=read,write unshare=write,resize", "qemu-img convert", 0, "", ImageAfter.Unchanged, ConvertKeepsWrite),
        new("5.2", "qcow2", "ref perm=read unshare=read", "qemu-img create (overwrite)", null, null, ImageAfter.Changed, CreateKeepsFile),
    ];

    public static Bytes? BytesHeld(string version, string config, string format, string image) =>
        BytesHeldDifferences.SingleOrDefault(d => d.Version == version && d.Config == config && d.Format == format && d.Image == image);

    public static Acquisition? ExternalAcquisition(string version, string config, string format, int grant) =>
        AcquisitionDifferences.SingleOrDefault(d => d.Version == version && d.Config == config && d.Format == format && d.Grant == grant);

    public static ClientChange? Client(string version, string config, string format, int client) =>
        ClientDifferences.SingleOrDefault(d => d.Version == version && d.Config == config && d.Format == format && d.Client == client);

    public static CommandChange? Command(string version, string format, string holder, string command) =>
        CommandDifferences.SingleOrDefault(d => d.Version == version && d.Format == format && d.Holder == holder && d.Command == command);

    /// <summary>5.2's VM with file.locking=off holds a VM's usual bytes, so QEMU's clients are refused as by that VM.</summary>
    private static IEnumerable<ClientChange> LockingOffClients()
    {
        const string config = "qsys q35, -drive file.locking=off + virtio-blk-pci";
        foreach (var format in new[] { "raw", "qcow2" })
            for (int c = 0; c < ReferenceTable.Clients.Length; c++)
                if (ReferenceTable.ClientOutcome("qsys q35, -drive + virtio-blk-pci", format, c) is string message)
                    yield return new("5.2", config, format, c, "rc=1: " + message, LockingOffLost);
    }

    /// <summary>5.2's VM with file.locking=off holds a VM's usual bytes, so the grants are refused as against that VM.</summary>
    private static IEnumerable<Acquisition> LockingOffAcquisitions()
    {
        const string config = "qsys q35, -drive file.locking=off + virtio-blk-pci";
        foreach (var format in new[] { "raw", "qcow2" })
            for (int g = 0; g < ReferenceTable.ExternalGrants.Length; g++)
            {
                string outcome = ReferenceTable.ExternalAcquisition("qsys q35, -drive + virtio-blk-pci", format, g) is string message
                    ? "rc=1: " + message : "ok";
                if (outcome != "ok") yield return new("5.2", config, format, g, outcome, LockingOffLost);
            }
    }
}
