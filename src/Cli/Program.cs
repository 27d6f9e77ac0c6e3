namespace ImageLock.Cli;

/// <summary>Entry point: dispatches to the commands. Exit codes: 0 ok, 1 lock conflict, 2 usage, open or output error,
/// otherwise the exit status of the command run by <c>hold</c> (126 not executable, 127 not found).</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Stdio.Guard();
        if (!FdLimit.Check(Stdio.StderrOpen)) return ExitCodes.Usage;
        args = RawArgs.Exact(args);
        try
        {
            return Dispatch(args);
        }
        catch (OutputException e)
        {
            Stderr.Line($"imagelock: write error: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    private static int Dispatch(string[] args)
    {
        // -V/--version anywhere before '--' (but not as the STRING of -c).
        if (args.TakeWhile(a => a != "--").Where((a, k) => k == 0 || args[k - 1] is not ("-c" or "--command")).Any(a => a is "-V" or "--version"))
            return Version();
        if (args.Length == 0 || args[0] is "-h" or "-?" or "--help" or "help")
        {
            // No command is a usage error: the usage goes to stderr, like every other usage error's.
            if (args.Length == 0) Stderr.Write(Usage.Main);
            else Console.Out.Write(Usage.Main);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }
        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "status" => StatusCommand.Run(rest, Console.Out),
                "hold" => HoldCommand.Run(rest),
                "demo" => DemoCommand.Run(rest, Console.Out),
                "--version" => Version(),
                _ => Fail($"unknown command '{Text.Escape(args[0])}'", Usage.Main),
            };
        }
        catch (HelpRequested help)
        {
            Console.Out.Write(help.Usage);
            return ExitCodes.Ok;
        }
        catch (UsageException e)
        {
            return Fail(e.Message, e.Usage);
        }
    }

    private static int Version()
    {
        Console.Out.WriteLine($"imagelock {typeof(Program).Assembly.GetName().Version?.ToString(3)}");
        return ExitCodes.Ok;
    }

    /// <summary>The error, then the one relevant usage line (the usage's first line; --help has the rest).</summary>
    internal static int Fail(string message, string usage)
    {
        Stderr.Line($"imagelock: {Messages.ForTerminal(message, [])}");
        Stderr.Line(usage.Split('\n')[0]);
        return ExitCodes.Usage;
    }
}

internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Conflict = 1;
    public const int Usage = 2;
    public const int Internal = 125;
    public const int CommandNotExecutable = 126;
    public const int CommandNotFound = 127;
}

/// <summary>A command line that cannot be run; printed with the command's usage, exit status 2.</summary>
internal sealed class UsageException(string message, string usage) : Exception(message)
{
    public string Usage { get; } = usage;
}

/// <summary>-h/--help: the command's usage on stdout, exit status 0.</summary>
internal sealed class HelpRequested(string usage) : Exception("help")
{
    public string Usage { get; } = usage;
}
