namespace ImageLock.Cli;

/// <summary><c>imagelock status -f FORMAT IMAGE...</c>: every file QEMU opens for each image, with its bytes and
/// holders, one block per file as <c>qemu-img info --backing-chain</c> prints one per image.</summary>
internal static class GraphStatusCommand
{
    /// <param name="images">The images named, with the error of each that could not even be listed.</param>
    public static int Run(List<(string Path, ImageStatus? Status, string? Error)> images, ImageFormat format, bool json, TextWriter output)
    {
        var graphs = new List<(string Image, ImageGraphStatus? Graph, string? Error)>();
        foreach (var (image, _, listError) in images)
        {
            if (listError is not null) { graphs.Add((image, null, listError)); continue; }
            try { graphs.Add((image, ImageGraphStatus.Probe(image, format, identifyHolders: false), null)); }
            catch (ImageLockException e) { graphs.Add((image, null, e.Message)); }
        }
        var all = graphs.Where(g => g.Graph is not null).SelectMany(g => g.Graph!.Statuses).ToList();
        var named = new Queue<ImageStatus>(ImageStatus.IdentifyHolders(all));   // one /proc pass for every file

        var rows = new List<(string Path, ImageStatus? Status, string? Error)>();
        var blocks = new List<(ImageGraphFile File, ImageStatus Status)>();
        var notes = new List<string>();
        foreach (var (image, graph, error) in graphs)
        {
            if (graph is null) { rows.Add((image, null, error)); continue; }
            foreach (var file in graph.Files)
            {
                var status = named.Dequeue();
                rows.Add((file.Path, status, null));
                blocks.Add((file, status));
            }
            notes.AddRange(graph.Notes);
        }

        if (json) output.WriteLine(StatusCommand.Json(rows, blocks.Select(b => b.File).ToList()));
        else if (images.Count > 1) output.Write(ImageTable.Format(blocks.Select(b => b.Status).ToList()));
        else
        {
            for (int i = 0; i < blocks.Count; i++)
            {
                if (i > 0) output.WriteLine();
                output.WriteLine(Title(blocks[i].File));
                StatusCommand.WriteText(output, [(blocks[i].File.Path, blocks[i].Status, null)]);
            }
        }
        if (!json)
            foreach (var note in notes)
            {
                output.WriteLine();
                output.WriteLine($"note: {Text.Escape(note)}");
            }
        foreach (var (path, _, error) in rows)
            if (error is not null) Stderr.Line($"imagelock: {Messages.ForTerminal(error, [path])}");
        return rows.Any(r => r.Error is not null) ? ExitCodes.Usage : ExitCodes.Ok;
    }

    /// <summary>"image: x.qcow2 (qcow2)", "data file: d.raw (of x.qcow2)", "backing file: b.raw (raw, backing 1 of x.qcow2)".</summary>
    private static string Title(ImageGraphFile file) => file.Role switch
    {
        ImageRole.Image => $"image: {Text.Escape(file.Path)} ({FormatName(file)})",
        ImageRole.DataFile => $"data file: {Text.Escape(file.Path)} (of {Text.Escape(file.NamedBy!)})",
        _ => $"backing file: {Text.Escape(file.Path)} ({FormatName(file)}, backing {file.Depth} of {Text.Escape(file.NamedBy!)})",
    };

    private static string FormatName(ImageGraphFile file) => file.Format == ImageFormat.Qcow2 ? "qcow2" : "raw";
}
