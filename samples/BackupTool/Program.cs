using BackupTool;
using ImageLock;

// BackupTool [--chain] [--wait SECONDS] IMAGE DESTINATION
// With no arguments it demonstrates itself on a throw-away image.
return await BackupCommand.RunAsync(args);

internal static class BackupCommand
{
    private const string Usage = """
        usage: BackupTool [--chain] [--wait SECONDS] IMAGE DESTINATION
               BackupTool            (no arguments: a demonstration on a throw-away image)

        Copies IMAGE to DESTINATION while holding it the way QEMU holds a backup source (perm read,
        unshare write and resize: no VM may write or resize it meanwhile), then verifies the copy's
        SHA-256. --chain: IMAGE is qcow2; every file QEMU opens for it (the image, its external data
        file, its backing chain) is held and copied into the DESTINATION directory.
        --wait waits up to SECONDS for a writer to go away. Exit status: 0 ok, 1 refused, 2 usage or I/O error.

        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0) return await Demo.RunAsync();
        bool chain = false;
        double waitSeconds = 0;
        var positional = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Write(Usage); return 0;
                case "--chain": chain = true; break;
                case "--wait" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out waitSeconds) && waitSeconds >= 0:
                    i++;
                    break;
                default:
                    if (args[i].StartsWith('-')) { Console.Error.Write($"BackupTool: bad option '{args[i]}'\n{Usage}"); return 2; }
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count != 2) { Console.Error.Write($"BackupTool: expected IMAGE and DESTINATION\n{Usage}"); return 2; }
        return await BackupAsync(positional[0], positional[1], chain, waitSeconds);
    }

    internal static async Task<int> BackupAsync(string image, string destination, bool chain, double waitSeconds)
    {
        using var timeout = new CancellationTokenSource();
        if (waitSeconds > 0) timeout.CancelAfter(TimeSpan.FromSeconds(waitSeconds));
        var progress = new TerminalProgress();
        try
        {
            IReadOnlyList<CopyResult> results = chain
                ? await ChainCopier.CopyAsync(image, destination, wait: waitSeconds > 0, progress, timeout.Token)
                : [waitSeconds > 0
                    ? await new ImageCopier().CopyWhenFreeAsync(image, destination, progress, timeout.Token)
                    : await new ImageCopier().CopyAsync(image, destination, progress, CancellationToken.None)];
            progress.Done();
            foreach (var r in results)
                Console.WriteLine($"copied {r.Source} -> {r.Destination}: {r.Length} bytes, sha256 {r.Sha256} (verified)");
            return 0;
        }
        catch (ImageLockConflictException conflict)
        {
            Console.Error.WriteLine(Refusal.Explain(conflict));
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"Cannot back up {image}: it was still in use after waiting {waitSeconds} s.");
            Console.Error.WriteLine(Describe(image));
            return 1;
        }
        catch (Exception e) when (e is ImageLockException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"BackupTool: {e.Message}");
            return 2;
        }
    }

    private static string Describe(string image)
    {
        var status = ImageStatus.Probe(image);
        return status.Holders.Count == 0
            ? $"perm={PermNames.Format(status.Perm)} unshare={PermNames.Format(status.Unshare)}, holder not identified"
            : string.Join(Environment.NewLine, status.Holders.Select(h => "It is " + h.Describe()));
    }
}
