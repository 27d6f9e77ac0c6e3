namespace ImageLock.Cli;

/// <summary><c>imagelock status -f FORMAT IMAGE...</c>: every file QEMU opens for each image, with its bytes and
/// holders, one block per file as <c>qemu-img info --backing-chain</c> prints one per image.</summary>
internal static class GraphStatusCommand
{
    /// <param name="images">The images named, with the error of each that could not even be listed.</param>
    public static int Run(List<(string Path, ImageStatus? Status, Failure? Error)> images, ImageFormat format, StatusOptions options, TextWriter output)
    {
        var graphs = new List<(string Image, ImageGraphStatus? Graph, Failure? Error)>();
        foreach (var (image, _, listError) in images)
        {
            if (listError is not null) { graphs.Add((image, null, listError)); continue; }
            try { graphs.Add((image, ImageGraphStatus.Probe(image, format, identifyHolders: false), null)); }
            catch (ImageLockException e) { graphs.Add((image, null, Failure.Of(e))); }
        }
        var all = graphs.Where(g => g.Graph is not null).SelectMany(g => g.Graph!.Statuses).ToList();
        var named = new Queue<ImageStatus>(ImageStatus.IdentifyHolders(all));   // one /proc pass for every file

        var entries = new List<StatusJson.Entry>();
        var blocks = new List<(ImageGraphFile File, ImageStatus Status)>();
        var notes = new List<string>();
        foreach (var (image, graph, error) in graphs)
        {
            if (graph is null) { entries.Add(new(image, null, error)); continue; }
            foreach (var file in graph.Files)
            {
                var status = named.Dequeue();
                entries.Add(new(file.Path, status, null, file, file.Role == ImageRole.Image ? graph.Notes : null));
                blocks.Add((file, status));
            }
            notes.AddRange(graph.Notes);
        }

        if (options.Json) output.WriteLine(StatusJson.Document(entries));
        else if (images.Count > 1) output.Write(ImageTable.Format(blocks.Select(b => (b.File.Path, b.Status)).ToList(), options.Table));
        else
        {
            for (int i = 0; i < blocks.Count; i++)
            {
                if (i > 0) output.WriteLine();
                output.WriteLine(Title(blocks[i].File));
                StatusCommand.WriteText(output, [blocks[i].Status], options.Table);
            }
        }
        if (!options.Json)
            foreach (var note in notes)
            {
                output.WriteLine();
                output.WriteLine($"note: {Text.Escape(note)}");
            }
        foreach (var e in entries)
            if (e.Error is not null) Stderr.Line($"imagelock: {Messages.ForTerminal(e.Error.Message, [e.Path])}");
        return entries.Any(e => e.Error is not null) ? ExitCodes.Usage : ExitCodes.Ok;
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
