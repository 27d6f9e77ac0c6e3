using System.Text;
using System.Text.Json;

namespace ImageLock.Cli;

/// <summary><c>imagelock status</c>: lslocks(8) for QEMU images.</summary>
internal static class StatusCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        bool json = false;
        ImageFormat? format = null;
        var results = new List<(string Path, ImageStatus? Status, string? Error)>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "-h" or "--help") { output.Write(Usage.Status); return ExitCodes.Ok; }
            if (arg == "--json") json = true;
            else if (arg is "-f" or "--format")
                format = ++i < args.Length ? ImageFormats.Parse(args[i], "status", Usage.Status)
                    : throw new UsageException($"status: {arg} needs a value", Usage.Status);
            else if (arg.StartsWith('-') && arg != "-") throw new UsageException($"status: unknown option '{arg}'", Usage.Status);
            else if (arg.Length == 0) throw new UsageException("status: an image path is empty", Usage.Status);
            else results.AddRange(ImageFiles.Expand(arg).Select(f => (f.Path, (ImageStatus?)null, f.Error)));
        }
        if (results.Count == 0) throw new UsageException("status: no image given", Usage.Status);
        if (format is ImageFormat f) return GraphStatusCommand.Run(results, f, json, output);

        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].Error is not null) continue;
            try { results[i] = results[i] with { Status = ImageStatus.Probe(results[i].Path, identifyHolders: false) }; }
            catch (ImageLockException e) { results[i] = results[i] with { Error = e.Message }; }
        }
        // One pass over /proc names the holders of all images at once.
        var named = new Queue<ImageStatus>(ImageStatus.IdentifyHolders(results.Where(r => r.Status is not null).Select(r => r.Status!).ToList()));
        for (int i = 0; i < results.Count; i++)
            if (results[i].Status is not null) results[i] = results[i] with { Status = named.Dequeue() };

        if (json) output.WriteLine(Json(results));
        else WriteText(output, results);
        foreach (var r in results)
            if (r.Error is not null) Stderr.Line($"imagelock: {Messages.ForTerminal(r.Error, [r.Path])}");
        return results.Any(r => r.Error is not null) ? ExitCodes.Usage : ExitCodes.Ok;
    }

    internal static void WriteText(TextWriter output, List<(string Path, ImageStatus? Status, string? Error)> results)
    {
        var probed = results.Where(r => r.Status is not null).Select(r => r.Status!).ToList();
        if (results.Count > 1) { output.Write(ImageTable.Format(probed)); return; }
        foreach (var status in probed)
        {
            output.WriteLine($"perm={PermNames.Format(status.Perm)}");
            output.WriteLine($"unshare={PermNames.Format(status.Unshare)}");
            if (status.LegacyPerm || status.LegacyUnshare)
                output.WriteLine("legacy=" + string.Join(",", new[] { status.LegacyPerm ? "104" : null, status.LegacyUnshare ? "204" : null }.OfType<string>()) +
                    " (bytes of QEMU <= 6.2's graph-mod permission)");
            if (status.Holders.Count > 0) output.Write(HolderTable.Format(status.Holders));
            else if (!status.IsFree) output.WriteLine("holders: not identified (" + (status.HoldersComplete ? "held from another host, e.g. over NFS" : "/proc not readable; run as root") + ")");
        }
    }

    /// <param name="results">One entry per image, or per file of the image graphs listed in <paramref name="files"/>.</param>
    /// <param name="files">With -f: the graph file of each entry that has a status, in order.</param>
    internal static string Json(List<(string Path, ImageStatus? Status, string? Error)> results, IReadOnlyList<ImageGraphFile>? files = null)
    {
        int next = 0;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var (path, status, error) in results)
            {
                w.WriteStartObject();
                JsonText.Write(w, "image", path);
                if (status is null) JsonText.Write(w, "error", error);
                else
                {
                    if (files is not null) WriteGraphFile(w, files[next++]);
                    WriteList(w, "perm", (int)status.Perm);
                    WriteList(w, "unshare", (int)status.Unshare);
                    w.WriteBoolean("legacy_perm", status.LegacyPerm);
                    w.WriteBoolean("legacy_unshare", status.LegacyUnshare);
                    w.WriteBoolean("holders_complete", status.HoldersComplete);
                    w.WriteStartArray("holders");
                    foreach (var h in status.Holders)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("pid", h.Pid);
                        if (h.Fd is int fd) w.WriteNumber("fd", fd); else w.WriteNull("fd");
                        JsonText.Write(w, "command", h.Command);
                        w.WriteString("kind", h.Kind);
                        WriteList(w, "perm", (int)h.Perm);
                        WriteList(w, "unshare", (int)h.Unshare);
                        w.WriteBoolean("write_lock", h.Exclusive);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteGraphFile(Utf8JsonWriter w, ImageGraphFile file)
    {
        w.WriteString("role", file.Role switch { ImageRole.Image => "image", ImageRole.DataFile => "data-file", _ => "backing" });
        w.WriteNumber("depth", file.Depth);
        if (file.Format is ImageFormat f) w.WriteString("format", f == ImageFormat.Qcow2 ? "qcow2" : "raw"); else w.WriteNull("format");
        if (file.NamedBy is string by) w.WriteString("named_by", by); else w.WriteNull("named_by");
    }

    private static void WriteList(Utf8JsonWriter w, string name, int bits)
    {
        w.WriteStartArray(name);
        var list = PermNames.Format((Perm)bits);
        if (list != "-") foreach (var item in list.Split(',')) w.WriteStringValue(item);
        w.WriteEndArray();
    }
}

/// <summary>The holders of one image, under its perm=/unshare= lines.</summary>
internal static class HolderTable
{
    public static string Format(IReadOnlyList<LockHolder> holders)
    {
        var rows = new List<string[]> { new[] { "PID", "FD", "PERM", "UNSHARE", "COMMAND" } };
        foreach (var h in holders)
            rows.Add([h.Pid.ToString(), h.Fd?.ToString() ?? "?", PermNames.Format(h.Perm) + (h.Exclusive ? " (write-lock)" : ""),
                PermNames.Format(h.Unshare), Columns.Shorten(Text.Escape(h.Command ?? "?"))]);
        return Columns.Align(rows, indent: "  ");
    }
}
