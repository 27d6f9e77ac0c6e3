using ImageLock;

namespace BackupTool;

/// <summary>Explains a lock conflict in plain words: what is in the way, who, and what to do.</summary>
public static class Refusal
{
    public static string Explain(ImageLockConflictException conflict)
    {
        string what = (conflict.Permission, conflict.Shared) switch
        {
            (Perm.Write, true) => "another program is writing to it (a running VM or qemu-img/qemu-io with write access)",
            (Perm.Resize, true) => "another program may resize it",
            (Perm.Read, false) => "another program has it exclusively and forbids anyone to read it",
            (_, _) when conflict.LockedByte is int b => $"another program holds a write lock on lock byte {b}, which QEMU-compatible tools never do",
            (var p, true) => $"another program uses the \"{PermNames.QemuName(p)}\" permission we must forbid",
            (var p, false) => $"another program forbids the \"{PermNames.QemuName(p)}\" permission we need",
        };
        var lines = new List<string>
        {
            $"Cannot back up {conflict.ImagePath}: {what}.",
            $"QEMU's words: {conflict.QemuMessage}",
        };
        foreach (var holder in Holders(conflict))
            lines.Add($"It is held by pid {holder.Pid}: {holder.Command ?? "(command unknown)"}");
        if (Holders(conflict).Count == 0)
            lines.Add("The holder could not be identified (another user's process, or another host on shared storage).");
        lines.Add("Stop the writer, back up a snapshot instead, or run again with --wait SECONDS to wait for it to finish.");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>The refusal names holders within a short budget; a person reading the explanation can wait for a full
    /// look at /proc (status only probes: it takes no lock).</summary>
    private static IReadOnlyList<LockHolder> Holders(ImageLockConflictException conflict)
    {
        if (conflict.HoldersComplete) return conflict.Holders;
        try { return ImageStatus.Probe(conflict.ImagePath).Holders; }
        catch (ImageLockException) { return conflict.Holders; }
    }
}
