namespace ImageLock.Analyzers.Common;

/// <summary>What each ImageAccess member needs (mirrors the run-time checks in ImageAccess).</summary>
internal static class OperationRequirements
{
    /// <param name="needed">Bits of which the grant must hold all (or, when <paramref name="any"/>, at least one).</param>
    /// <param name="toAdd">The minimal bits the code fix adds.</param>
    public static bool TryGet(string member, out int needed, out bool any, out int toAdd, out string text)
    {
        any = false;
        switch (member)
        {
            case "Read":
            case "ReadAsync":
                needed = toAdd = Grant.Read; text = "Perm.Read"; return true;
            case "Write":
            case "WriteAsync":
                needed = toAdd = Grant.Write; text = "Perm.Write"; return true;
            case "WriteUnchanged":
                needed = Grant.WriteUnchanged | Grant.Write; any = true; toAdd = Grant.WriteUnchanged;
                text = "Perm.WriteUnchanged or Perm.Write"; return true;
            case "SetLength":
                needed = toAdd = Grant.Resize; text = "Perm.Resize"; return true;
            default:
                // Flush, Length, Handle, ImagePath, Perm, Unshare need no permission.
                needed = toAdd = 0; text = ""; return false;
        }
    }

    public static bool Allows(int granted, int needed, bool any) =>
        any ? (granted & needed) != 0 : (granted & needed) == needed;
}
