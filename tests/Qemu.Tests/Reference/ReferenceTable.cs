using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Reference;

/// <summary>A grant: what an acquirer uses and forbids.</summary>
public sealed record Grant(Perm Perm, Unshare Unshare)
{
    /// <summary>Parses the reference's wording: "perm=read,write unshare=write,resize", "unshare=read", "perm=all unshare=all".</summary>
    public static Grant Parse(string text)
    {
        Perm perm = Perm.None;
        Unshare unshare = Unshare.None;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith("perm=", StringComparison.Ordinal)) perm = (Perm)PermNames.ParseList(word[5..]);
            else if (word.StartsWith("unshare=", StringComparison.Ordinal)) unshare = (Unshare)PermNames.ParseList(word[8..]);
        }
        return new Grant(perm, unshare);
    }

    public override string ToString() => $"perm={PermNames.Format(Perm)} unshare={PermNames.Format(Unshare)}";
}

/// <summary>Typed access to the measured tables of docs/qemu-reference-7.2.md (see ReferenceData.cs).</summary>
public static class ReferenceTable
{
    /// <summary>The 9 grants (columns) of the "External acquisitions" table, in its order.</summary>
    public static readonly Grant[] ExternalGrants =
    [
        Grant.Parse("perm=read"),
        Grant.Parse("perm=read unshare=write"),
        Grant.Parse("perm=read,write"),
        Grant.Parse("perm=read,write unshare=write,resize"),
        Grant.Parse("perm=read,write,resize"),
        Grant.Parse("perm=write-unchanged"),
        Grant.Parse("unshare=read"),
        Grant.Parse("unshare=write-unchanged"),
        Grant.Parse("unshare=resize"),
    ];

    /// <summary>Bytes QEMU holds on the image in a configuration ("Bytes held per configuration"), in QEMU
    /// <paramref name="version"/> (the 7.2 table unless <see cref="VersionDifferences"/> lists that version's own).</summary>
    public static Grant BytesHeld(string config, string format, string image = "image", string version = QemuVersions.Default)
    {
        if (version != QemuVersions.Default && VersionDifferences.BytesHeld(version, config, format, image) is { } differs)
            return new Grant((Perm)PermNames.ParseList(differs.Perm), (Unshare)PermNames.ParseList(differs.Unshare));
        var row = ReferenceData.BytesHeld.SingleOrDefault(r => r[0] == config && r[1] == format && r[2] == image)
            ?? throw new XunitException($"no row '{config}' / {format} / {image} in 'Bytes held per configuration'");
        return new Grant((Perm)PermNames.ParseList(row[3]), (Unshare)PermNames.ParseList(row[4]));
    }

    /// <summary>The expected outcome of external grant <paramref name="grant"/> (index into <see cref="ExternalGrants"/>):
    /// null for ok, else QEMU's first message line.</summary>
    public static string? ExternalAcquisition(string config, string format, int grant, string version = QemuVersions.Default)
    {
        if (version != QemuVersions.Default && VersionDifferences.ExternalAcquisition(version, config, format, grant) is { } differs) return Outcome(differs.Outcome);
        var row = ReferenceData.ExternalAcquisitions.SingleOrDefault(r => r[0] == config && r[1] == format)
            ?? throw new XunitException($"no row '{config}' / {format} in 'External acquisitions'");
        return Outcome(row[2 + grant]);
    }

    /// <summary>The 5 QEMU clients of "QEMU clients while a configuration holds the image", in its order.</summary>
    public static readonly string[] Clients =
        ["qemu-img info", "qemu-img info -U", "qemu-io -r read", "qemu-io -r -U read", "qemu-io write"];

    /// <summary>The expected outcome of client <paramref name="client"/> (index into <see cref="Clients"/>) while the
    /// configuration of QEMU <paramref name="version"/> holds the image: null for ok, else QEMU's lock message.</summary>
    public static string? ClientOutcome(string config, string format, int client, string version = QemuVersions.Default)
    {
        if (version != QemuVersions.Default && VersionDifferences.Client(version, config, format, client) is { } differs)
            return Outcome(differs.Outcome);
        var row = ReferenceData.Clients.SingleOrDefault(r => r[0] == config && r[1] == format)
            ?? throw new XunitException($"no row '{config}' / {format} in 'QEMU clients while a configuration holds the image'");
        return Outcome(row[2 + client]);
    }

    /// <summary>"ok" → null; "rc=1: Failed to get ..." → the message.</summary>
    public static string? Outcome(string cell)
    {
        if (cell == "ok") return null;
        const string prefix = "rc=1: ";
        if (!cell.StartsWith(prefix, StringComparison.Ordinal)) throw new XunitException($"unexpected reference cell '{cell}'");
        return cell[prefix.Length..];
    }

    /// <summary>The outcome of a reference command while a holder holds the image ("QEMU commands while an external
    /// program holds locks"), in QEMU <paramref name="version"/>: exit code, stderr as the table prints it, and what
    /// is left of the image.</summary>
    public static CommandOutcome Command(string format, string holder, string command, string version = QemuVersions.Default)
    {
        var row = ReferenceData.Commands.SingleOrDefault(r => r[0] == format && r[1] == holder && r[3] == command)
            ?? throw new XunitException($"no row {format} / '{holder}' / '{command}' in 'QEMU commands while an external program holds locks'");
        int rc = int.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture);
        // Pitfall 4: a qcow2 create refused after its protocol-level truncate deletes the file.
        bool deletes = format == "qcow2" && command == "qemu-img create (overwrite)" && rc != 0
            && row[5].Contains("\"consistent read\"", StringComparison.Ordinal);
        var image = deletes ? ImageAfter.Deleted
            : rc == 0 && Commands.ReferenceCommand.Modifies(command) ? ImageAfter.Changed : ImageAfter.Unchanged;
        var outcome = new CommandOutcome(rc, row[5], image);
        return version != QemuVersions.Default && VersionDifferences.Command(version, format, holder, command) is { } differs ? differs.Apply(outcome) : outcome;
    }

    /// <summary>Theory rows: every configuration × format × the 9 external grants.</summary>
    public static TheoryData<string, string, int> AcquisitionCases(params (string Config, string Format)[] configs)
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (config, format) in configs)
            for (int g = 0; g < ExternalGrants.Length; g++) data.Add(config, format, g);
        return data;
    }
}

/// <summary>What a QEMU command does: exit code, stderr in the reference's form, what is left of the image.</summary>
public sealed record CommandOutcome(int ExitCode, string Message, ImageAfter Image);

/// <summary>The image after a command: not a byte changed, written (allowed, or data lost), or deleted.</summary>
public enum ImageAfter { Unchanged, Changed, Deleted }
