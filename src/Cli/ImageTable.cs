using System.Text;

namespace ImageLock.Cli;

/// <summary>The table for several images: image, perm, unshare, holder pid, command — "who holds my image" at a glance.</summary>
internal static class ImageTable
{
    public static string Format(IReadOnlyList<ImageStatus> statuses)
    {
        var rows = new List<string[]> { new[] { "IMAGE", "PERM", "UNSHARE", "PID", "COMMAND" } };
        foreach (var s in statuses)
        {
            string image = Text.Escape(s.ImagePath);
            if (s.Holders.Count == 0)
                rows.Add([image, PermNames.Format(s.Perm), PermNames.Format(s.Unshare), s.IsFree ? "-" : "?", s.IsFree ? "-" : "(not identified)"]);
            foreach (var h in s.Holders)
                rows.Add([image, PermNames.Format(h.Perm), PermNames.Format(h.Unshare), h.Pid.ToString(), Columns.Shorten(Text.Escape(h.Command ?? "?"))]);
        }
        return Columns.Align(rows);
    }
}

internal static class Columns
{
    /// <summary>Left-aligned columns separated by two spaces; the last column is not padded.</summary>
    public static string Align(List<string[]> rows, string indent = "")
    {
        int n = rows[0].Length;
        var widths = Enumerable.Range(0, n - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var r in rows)
            text.Append(indent).AppendJoin("  ", r.Take(n - 1).Select((cell, c) => cell.PadRight(widths[c]))).Append("  ").AppendLine(r[n - 1]);
        return text.ToString();
    }

    public static string Shorten(string command) => command.Length <= 100 ? command : command[..97] + "...";
}

/// <summary>Expands a directory argument to the disk images in it (not recursive). Names are read as bytes
/// (readdir), so one that is not UTF-8 is probed as itself, not as its U+FFFD look-alike.</summary>
internal static class ImageFiles
{
    private static readonly string[] Extensions = [".qcow2", ".qcow", ".raw", ".img", ".iso"];

    /// <summary>The argument itself, or the images of the directory it names; an unreadable directory is one error.</summary>
    public static IEnumerable<(string Path, string? Error)> Expand(string arg)
    {
        var names = DirectoryBytes.List(arg, out int errno);
        if (names is null)
            return errno == DirectoryBytes.EACCES
                ? [(arg, $"Could not read directory '{arg}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}")]
                : [(arg, null)]; // not a directory (or missing): the probe says what it is
        string prefix = arg.EndsWith('/') ? arg : arg + "/";
        return names.Select(n => prefix + n)
            .Where(f => !DirectoryBytes.IsDirectory(f))
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) || IsQcow2(f))
            .Order(StringComparer.Ordinal)
            .Select(f => (f, (string?)null))
            .ToList();
    }

    private static bool IsQcow2(string path) => ImageFormats.LooksQcow2(path);
}
