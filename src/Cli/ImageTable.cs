using System.Text;

namespace ImageLock.Cli;

/// <summary>How a table is printed, lslocks(8)'s way: which columns (-o), no header line (-n), raw (-r), no truncation (-u).</summary>
internal sealed record TableStyle(string[] Columns, bool NoHeadings = false, bool Raw = false, bool NoTruncate = false)
{
    public static readonly string[] Known = ["IMAGE", "PERM", "UNSHARE", "PID", "FD", "KIND", "COMMAND"];

    public static readonly TableStyle Default = new(["IMAGE", "PERM", "UNSHARE", "PID", "COMMAND"]);

    /// <summary>The width to fit, or null for whole lines.</summary>
    public int? Width => NoTruncate || Raw ? null : TerminalWidth.OfStdout();

    /// <summary>-o LIST: comma-separated column names, any case; PATH is IMAGE (lslocks' name).</summary>
    public static string[] ParseColumns(string list)
    {
        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToUpperInvariant() == "PATH" ? "IMAGE" : n.ToUpperInvariant()).ToArray();
        var unknown = names.FirstOrDefault(n => !Known.Contains(n));
        if (unknown is not null) throw new FormatException($"unknown column '{unknown}' (columns: {string.Join(",", Known).ToLowerInvariant()})");
        if (names.Length == 0) throw new FormatException("no column given");
        return names;
    }
}

/// <summary>The table for several images or the whole host: a row per holder, one row for a free image — "who holds
/// my image" at a glance.</summary>
internal static class ImageTable
{
    public static string Format(IReadOnlyList<(string Label, ImageStatus Status)> images, TableStyle style)
    {
        var rows = new List<string[]>();
        foreach (var (label, s) in images)
        {
            string image = Text.Escape(label);
            var qemu = OtherLockText.QemuHolders(s);
            if (qemu.Count == 0 && s.OtherLocks.Count == 0)
                rows.Add(Cells(style, image, s.Perm, s.Unshare, null, s.IsFree ? "-" : "?", s.IsFree ? "-" : "(not identified)"));
            foreach (var h in qemu)
                rows.Add(Cells(style, image, h.Perm, h.Unshare, h, h.Pid.ToString(), CommandCell.Of(h.Command, h.CommandLineBlocked)));
            // Other locks: PERM and UNSHARE are the QEMU bytes they cover, as QEMU sees them; KIND says what they are.
            foreach (var o in s.OtherLocks)
                rows.Add(Cells(style, image, (Perm)Bits(o, 100), (Unshare)Bits(o, 200), null, o.Pid.ToString(), CommandCell.Of(o.Command, o.CommandLineBlocked),
                    o.Fd?.ToString() ?? "?", $"{OtherLockText.Kind(o)} {o.Type} {OtherLockText.Mode(o)} {o.Start}-{OtherLockText.End(o)}"));
        }
        return Columns.Table(style.NoHeadings ? null : style.Columns, rows, style);
    }

    private static int Bits(OtherLock l, int baseByte) =>
        l.QemuBytes.Where(b => b >= baseByte && b < baseByte + PermNames.Count).Aggregate(0, (bits, b) => bits | 1 << (b - baseByte));

    private static string[] Cells(TableStyle style, string image, Perm perm, Unshare unshare, LockHolder? h, string pid, string command,
        string? fd = null, string? kind = null) =>
        style.Columns.Select(c => c switch
        {
            "IMAGE" => image,
            "PERM" => PermNames.Format(perm),
            "UNSHARE" => PermNames.Format(unshare),
            "PID" => pid,
            "FD" => fd ?? h?.Fd?.ToString() ?? (h is null && pid == "-" ? "-" : "?"),
            "KIND" => kind ?? (h is null ? (pid == "-" ? "-" : "?") : h.Exclusive ? h.Kind + ",write-lock" : h.Kind),
            _ => command,
        }).ToArray();
}

internal static class Columns
{
    /// <summary>Left-aligned columns separated by two spaces; the last column is not padded, and is cut with "..." to fit
    /// <paramref name="style"/>'s width. Raw: one space between cells, spaces in cells as \x20.</summary>
    public static string Table(string[]? header, List<string[]> rows, TableStyle style, string indent = "")
    {
        if (header is not null) rows.Insert(0, header);
        if (rows.Count == 0) return "";
        if (style.Raw)
            return string.Concat(rows.Select(r => indent + string.Join(' ', r.Select(c => c.Replace(" ", "\\x20"))) + "\n"));
        return Align(rows, indent, style.Width);
    }

    public static string Align(List<string[]> rows, string indent = "", int? width = null)
    {
        int n = rows[0].Length;
        var widths = Enumerable.Range(0, n - 1).Select(c => rows.Max(r => r[c].Length)).ToArray();
        // The last column gets what is left of the line, but never fewer than 16 characters.
        int room = width is int w ? Math.Max(w - indent.Length - widths.Sum() - 2 * (n - 1), 16) : int.MaxValue;
        var text = new StringBuilder();
        foreach (var r in rows)
        {
            text.Append(indent).AppendJoin("  ", r.Take(n - 1).Select((cell, c) => cell.PadRight(widths[c])));
            if (n > 1) text.Append("  ");
            text.Append(r[n - 1].Length <= room ? r[n - 1] : r[n - 1][..(room - 3)] + "...").Append('\n');
        }
        return text.ToString();
    }
}

/// <summary>Expands a directory argument to the disk images in it (not recursive). Names are read as bytes
/// (readdir), so one that is not UTF-8 is probed as itself, not as its U+FFFD look-alike.</summary>
internal static class ImageFiles
{
    private static readonly string[] Extensions = [".qcow2", ".qcow", ".raw", ".img", ".iso"];

    /// <summary>The argument itself, or the images of the directory it names; an unreadable directory is one error.</summary>
    public static IEnumerable<(string Path, Failure? Error)> Expand(string arg)
    {
        var names = DirectoryBytes.List(arg, out int errno);
        if (names is null)
            return errno == DirectoryBytes.EACCES
                ? [(arg, new Failure("permission-denied", $"Could not read directory '{arg}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}"))]
                : [(arg, null)]; // not a directory (or missing): the probe says what it is
        string prefix = arg.EndsWith('/') ? arg : arg + "/";
        return names.Select(n => prefix + n)
            .Where(f => !DirectoryBytes.IsDirectory(f))
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) || IsQcow2(f))
            .Order(StringComparer.Ordinal)
            .Select(f => (f, (Failure?)null))
            .ToList();
    }

    private static bool IsQcow2(string path) => ImageFormats.LooksQcow2(path);
}

/// <summary>Why an image has no status: a code for programs (docs/json.md) and the message for people.</summary>
internal sealed record Failure(string Code, string Message)
{
    public static Failure Of(ImageLockException e) => new(e switch
    {
        ImageLockUnsupportedException => "unsupported",
        { Errno: 2 } => "not-found",
        { Errno: 1 or 13 } => "permission-denied",
        { Errno: 0 } => "not-an-image",
        _ => "open-failed",
    }, e.Message);
}
