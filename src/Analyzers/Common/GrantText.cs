namespace ImageLock.Analyzers.Common;

/// <summary>Renders Perm/Unshare bit sets as C# a user would write ("Perm.Read | Perm.Resize").</summary>
public static class GrantText
{
    private static readonly string[] Names = { "Read", "Write", "WriteUnchanged", "Resize" };

    public static string Flags(string enumName, int bits, string prefix = "")
    {
        if (bits == 0) return prefix + enumName + ".None";
        if ((bits & 15) == 15) return prefix + enumName + ".All";
        var parts = new List<string>();
        for (int i = 0; i < Names.Length; i++)
            if ((bits & (1 << i)) != 0) parts.Add(prefix + enumName + "." + Names[i]);
        return string.Join(" | ", parts);
    }

    public static string Describe(int perm, int unshare) =>
        unshare == 0 ? Flags("Perm", perm) : Flags("Perm", perm) + ", " + Flags("Unshare", unshare);
}
