using ImageLock.Cli.Spawn;

namespace ImageLock.Cli;

/// <summary><c>imagelock hold</c>: flock(1) for QEMU images.</summary>
internal static class HoldCommand
{
    public static int Run(string[] args)
    {
        var options = HoldOptions.Parse(args);
        if ((options.Unshare & Unshare.Read) != 0)
            Stderr.Line("imagelock: warning: no QEMU ever unshares read (consistent read): this locks out every QEMU, read-only opens included");
        // Registered before the lease exists, so that no signal finds a moment without a plan (see HoldSignals).
        using var signals = new HoldSignals();
        ImageGraphLease lease;
        try
        {
            using var progress = WaitProgress.Start(options);
            // Without -f: one file, raw, refused when it has a qcow2 header (checked on the descriptor that is locked).
            lease = ImageGraphLease.Acquire(options.Image, options.Format ?? ImageFormat.Raw, options.Perm, options.Unshare, new ImageLockOptions
            {
                Wait = options.Wait,
                Locking = options.Posix ? LockingMode.Posix : LockingMode.Ofd,
                HolderScanBudget = Refusals.HolderScanBudget,
            }, refuseQcow2Header: options.Format is null, signals.Stopping);
        }
        catch (OperationCanceledException)
        {
            return signals.StoppedStatus;
        }
        catch (ImageLockConflictException e)
        {
            Stderr.Line($"imagelock: {Messages.ForTerminal(e)}");
            // A wait that ran out says so, on a line of its own after QEMU's message: not the same as an instant refusal.
            if (!options.Wait.FailsImmediately)
                Stderr.Line($"imagelock: timed out after waiting {options.Wait.Timeout.TotalSeconds:0.###} s for [{Text.Escape(options.Image)}]");
            return options.ConflictExit;
        }
        catch (ImageLockException e)
        {
            Stderr.Line($"imagelock: {Messages.ForTerminal(e)}");
            return ExitCodes.Usage;
        }

        using (lease)
            return options.Command.Length > 0
                ? CommandRunner.Run(options.Command.Select(Text.Encode).ToArray(), lease.Descriptors, signals)
                : HoldUntilSignal(lease, signals);
    }

    private static int HoldUntilSignal(ImageGraphLease lease, HoldSignals signals)
    {
        Stderr.Line($"imagelock: holding [{Text.Escape(lease.ImagePath)}] perm={PermNames.Format(lease.Perm)} " +
            $"unshare={PermNames.Format(lease.Unshare)} as pid {Environment.ProcessId}; SIGINT, SIGTERM, SIGHUP or SIGQUIT releases it");
        if (lease.Files.Count > 1 || lease.Notes.Count > 0)
            foreach (var line in lease.Files.Select(f => $"  {f}").Concat(lease.Notes.Select(n => $"  not held: {n}")))
                Stderr.Line($"imagelock: {Text.Escape(line)}");
        signals.Stopping.WaitHandle.WaitOne();
        return ExitCodes.Ok;
    }
}

/// <summary>The parsed command line of <c>hold</c>.</summary>
internal sealed record HoldOptions(string Image, Perm Perm, Unshare Unshare, LockWait Wait, bool Posix, string[] Command)
{
    private static readonly HashSet<string> Valued =
        ["-f", "--format", "--perm", "--unshare", "--wait", "-w", "--conflict-exit-code", "-E", "--command", "-c"];

    /// <summary>The exit status of a conflict (-E/--conflict-exit-code, as flock's): 1 unless told.</summary>
    public int ConflictExit { get; init; } = ExitCodes.Conflict;

    /// <summary>-f/--format: the image's format; null when not given.</summary>
    public ImageFormat? Format { get; init; }

    public static HoldOptions Parse(string[] args)
    {
        args = GnuArgs.Normalize(args, Valued);
        int conflictExit = ExitCodes.Conflict;
        string[]? shellCommand = null;
        Perm perm = Perm.Read;
        Unshare unshare = Unshare.None;
        var wait = LockWait.None;
        bool posix = false;
        ImageFormat? format = null;
        string? image = null;
        int i = 0;
        for (; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--") { i++; break; }
            switch (arg)
            {
                case "-h" or "-?" or "--help":
                    throw new HelpRequested(Usage.Hold);
                case "--perm": perm = (Perm)List(args, ref i); break;
                case "--unshare": unshare = (Unshare)List(args, ref i); break;
                case "-w" or "--wait": wait = Seconds(args, ref i); break;
                case "-n" or "--nonblock": wait = LockWait.None; break;
                case "-E" or "--conflict-exit-code": conflictExit = ExitStatus(args, ref i); break;
                case "-c" or "--command": shellCommand = ["/bin/sh", "-c", Value(args, ref i)]; break;
                case "--posix": posix = true; break;
                case "-f" or "--format": format = ImageFormats.Parse(Value(args, ref i), "hold", Usage.Hold); break;
                default:
                    if (arg.StartsWith('-')) throw new UsageException($"hold: unknown option '{arg}'", Usage.Hold);
                    if (image is not null) throw new UsageException($"hold: more than one image ('{image}', '{arg}'); put the command after '--'", Usage.Hold);
                    image = arg;
                    break;
            }
        }
        if (image is null) throw new UsageException("hold: no image given", Usage.Hold);
        if (image.Length == 0) throw new UsageException("hold: the image path is empty", Usage.Hold);
        string[] command = args[i..];
        if (shellCommand is not null)
        {
            if (command.Length > 0) throw new UsageException("hold: give CMD either with -c STRING or after '--', not both", Usage.HoldLine);
            command = shellCommand;
        }
        if (posix && command.Length > 0)
            throw new UsageException("hold: --posix cannot run CMD: POSIX locks belong to one process, so CMD cannot hold them " +
                "and would outlive them if imagelock were killed\nUse OFD locks (the default; they exclude QEMU's POSIX locks too), " +
                "or 'hold --posix IMAGE' without CMD, which holds until a signal releases it", Usage.Hold);
        return new HoldOptions(image, perm, unshare, wait, posix, command) { ConflictExit = conflictExit, Format = format };
    }

    private static readonly double LongestWait = TimeSpan.MaxValue.TotalSeconds / 2;

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new UsageException($"hold: {args[i - 1]} needs a value", Usage.Hold);

    private static int ExitStatus(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int status) || status > 255)
            throw new UsageException($"hold: {args[i - 1]} needs an exit status 0-255, got '{text}'", Usage.HoldLine);
        return status;
    }

    private static int List(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        try { return PermNames.ParseList(text); }
        catch (FormatException e) { throw new UsageException($"hold: {args[i - 1]}: {e.Message}", Usage.Hold); }
    }

    private static LockWait Seconds(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) || s < 0 || double.IsNaN(s))
            throw new UsageException($"hold: --wait needs a number of seconds, got '{text}'", Usage.Hold);
        // Beyond what a TimeSpan holds (about 29,000 years) a wait is forever.
        return s >= LongestWait ? LockWait.Forever : new LockWait(TimeSpan.FromSeconds(s));
    }
}
