using ImageLock.Graph;
using ImageLock.Engine;

namespace ImageLock.Cli;

/// <summary><c>imagelock status</c>: lslocks(8) for QEMU images.</summary>
internal static class StatusCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        StatusOptions options;
        try { options = StatusOptions.Parse(args); }
        catch (UsageException e) when (StatusOptions.WantsJson(args))
        {
            output.WriteLine(StatusJson.Error("usage", e.Message));
            throw;
        }
        if (options.Check) return Check(options);
        if (options.Images.Count == 0) return Host(options, output);

        var results = options.Images.SelectMany(ImageFiles.Expand).Select(f => (f.Path, (ImageStatus?)null, f.Error)).ToList();
        if (options.Format is ImageFormat f) return GraphStatusCommand.Run(results, f, options, output);

        for (int i = 0; i < results.Count; i++)
        {
            if (results[i].Error is not null) continue;
            try { results[i] = results[i] with { Item2 = ImageStatus.Probe(results[i].Path, identifyHolders: false) }; }
            catch (ImageLockException e) { results[i] = results[i] with { Error = Failure.Of(e) }; }
        }
        // One pass over /proc names the holders of all images at once.
        var named = new Queue<ImageStatus>(ImageStatus.IdentifyHolders(results.Where(r => r.Item2 is not null).Select(r => r.Item2!).ToList()));
        for (int i = 0; i < results.Count; i++)
            if (results[i].Item2 is not null) results[i] = results[i] with { Item2 = named.Dequeue() };

        if (options.Json) output.WriteLine(StatusJson.Document(results.Select(r => new StatusJson.Entry(r.Path, r.Item2, r.Error))));
        else if (results.Count > 1) output.Write(ImageTable.Format(results.Where(r => r.Item2 is not null).Select(r => (r.Path, r.Item2!)).ToList(), options.Table));
        else WriteText(output, results.Select(r => r.Item2).OfType<ImageStatus>(), options.Table);
        foreach (var r in results)
            if (r.Error is not null) Stderr.Line($"imagelock: {Messages.ForTerminal(r.Error.Message, [r.Path])}");
        return results.Any(r => r.Error is not null) ? ExitCodes.Usage : ExitCodes.Ok;
    }

    /// <summary>No image: every file on this host that someone holds QEMU's bytes on, from /proc (as lslocks lists all locks).</summary>
    private static int Host(StatusOptions options, TextWriter output)
    {
        var files = HostScan.Find();
        if (options.Json)
            output.WriteLine(StatusJson.Document(files.Select(f => new StatusJson.Entry(f.Path, ImageStatus.FromHost(f), null, Host: f))));
        else
            output.Write(ImageTable.Format(files.Select(f => (f.Path ?? $"[{f.Device}:{f.Inode}]", ImageStatus.FromHost(f))).ToList(), options.Table));
        return ExitCodes.Ok;
    }

    /// <summary>-q: nothing printed; 0 when the image is free (or the grant given would be granted), 1 when not. Without
    /// -f the image is one file, and one with a qcow2 header is refused as hold refuses it (its backing files would go
    /// unchecked); with -f every file QEMU opens for it is checked, against QEMU's grant for that file.</summary>
    private static int Check(StatusOptions options)
    {
        string image = options.Images[0];
        try
        {
            using var plan = GraphWalker.Open(image, options.Format ?? ImageFormat.Raw, options.Perm, options.Unshare, readOnly: true,
                refuseQcow2Header: options.Format is null);
            foreach (var file in plan.Files)
            {
                var status = ImageStatus.Probe(file.File.Path, file.Image, identifyHolders: false);
                bool inTheWay = options.GrantGiven ? status.WouldConflict(file.File.Perm, file.File.Unshare) is not null : !status.IsFree;
                if (inTheWay) return ExitCodes.Conflict;
            }
            return ExitCodes.Ok;
        }
        catch (ImageLockException e)
        {
            Stderr.Line($"imagelock: {Messages.ForTerminal(e)}");
            return ExitCodes.Usage;
        }
    }

    internal static void WriteText(TextWriter output, IEnumerable<ImageStatus> statuses, TableStyle style)
    {
        foreach (var status in statuses)
        {
            output.WriteLine($"perm={PermNames.Format(status.Perm)}");
            output.WriteLine($"unshare={PermNames.Format(status.Unshare)}");
            if (status.LegacyPerm || status.LegacyUnshare)
                output.WriteLine("legacy=" + string.Join(",", new[] { status.LegacyPerm ? "104" : null, status.LegacyUnshare ? "204" : null }.OfType<string>()) +
                    " (bytes of QEMU <= 6.2's graph-mod permission)");
            var qemu = OtherLockText.QemuHolders(status);
            if (qemu.Count > 0) output.Write(HolderTable.Format(qemu, style));
            else if (!status.IsFree && !OtherLockText.ExplainsBytes(status))
                output.WriteLine("holders: not identified (" + (status.HoldersComplete ? "held from another host, e.g. over NFS" : "/proc not readable; run as root") + ")");
            if (status.OtherLocks.Count > 0) output.Write(OtherLockText.Format(status.OtherLocks, style));
        }
    }
}

/// <summary>The holders of one image, under its perm=/unshare= lines.</summary>
internal static class HolderTable
{
    public static string Format(IReadOnlyList<LockHolder> holders, TableStyle style)
    {
        var rows = new List<string[]> { new[] { "PID", "FD", "PERM", "UNSHARE", "COMMAND" } };
        foreach (var h in holders)
            rows.Add([h.Pid.ToString(), h.Fd?.ToString() ?? "?", PermNames.Format(h.Perm) + (h.Exclusive ? " (write-lock)" : ""),
                PermNames.Format(h.Unshare), CommandCell.Of(h.Command, h.CommandLineBlocked)]);
        return Columns.Align(rows, indent: "  ", width: style.Width) + CommandCell.Notes(holders.Select(h => (h.Pid, h.CommandLineBlocked)));
    }
}
