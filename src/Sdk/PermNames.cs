namespace ImageLock;

/// <summary>Names of permission bits: QEMU's wording for messages, the CLI's for lists.</summary>
public static class PermNames
{
    /// <summary>Number of permission bits in the protocol (QEMU 7.0+; bytes 104/204 belong to QEMU &lt;= 6.2 only).</summary>
    public const int Count = 4;

    private static readonly string[] QemuNames = ["consistent read", "write", "write unchanged", "resize"];
    private static readonly string[] ListNames = ["read", "write", "write-unchanged", "resize"];

    /// <summary>QEMU's name of permission bit <paramref name="bit"/> (as in <c>bdrv_perm_names</c>), e.g. "consistent read".</summary>
    public static string QemuName(int bit) => QemuNames[bit];

    /// <summary>QEMU's name of a single permission, e.g. "write unchanged".</summary>
    public static string QemuName(Perm single) => QemuNames[BitIndex((int)single)];

    /// <summary>Comma-separated list of the bits, as the CLI prints them ("read,write"), or "-" when none.</summary>
    public static string Format(Perm perm) => FormatBits((int)perm);

    /// <inheritdoc cref="Format(Perm)"/>
    public static string Format(Unshare unshare) => FormatBits((int)unshare);

    /// <summary>Parses a CLI list: comma-separated <c>read</c> (alias <c>consistent-read</c>), <c>write</c>,
    /// <c>write-unchanged</c>, <c>resize</c>, <c>all</c>, or <c>-</c>/<c>none</c>/empty for nothing.</summary>
    /// <exception cref="FormatException">A name is not one of those.</exception>
    public static int ParseList(string list)
    {
        int bits = 0;
        foreach (var raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.ToLowerInvariant();
            if (name is "-" or "none") continue;
            if (name == "all") { bits |= (int)Perm.All; continue; }
            if (name == "consistent-read") name = "read";
            int index = Array.IndexOf(ListNames, name);
            if (index < 0)
                throw new FormatException($"unknown permission '{raw}': expected read, consistent-read, write, write-unchanged, resize or all");
            bits |= 1 << index;
        }
        return bits;
    }

    internal static string FormatBits(int bits)
    {
        if ((bits & (int)Perm.All) == 0) return "-";
        var names = new List<string>(Count);
        for (int i = 0; i < Count; i++)
            if ((bits & (1 << i)) != 0) names.Add(ListNames[i]);
        return string.Join(",", names);
    }

    internal static int BitIndex(int single)
    {
        for (int i = 0; i < Count; i++)
            if (single == 1 << i) return i;
        throw new ArgumentException($"expected a single permission bit, got {single}", nameof(single));
    }
}
