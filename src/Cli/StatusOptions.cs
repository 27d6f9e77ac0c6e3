namespace ImageLock.Cli;

/// <summary>The command line of <c>imagelock status</c>.</summary>
internal sealed record StatusOptions(List<string> Images, ImageFormat? Format, bool Json, TableStyle Table, bool Check, Perm Perm, Unshare Unshare,
    bool GrantGiven)
{
    private static readonly HashSet<string> Valued = ["-f", "--format", "-o", "--output", "--perm", "--unshare"];

    /// <summary>-J/--json anywhere before '--': a usage error is then a JSON error object too.</summary>
    public static bool WantsJson(string[] args) => args.TakeWhile(a => a != "--").Any(a => a is "-J" or "--json");

    public static StatusOptions Parse(string[] raw)
    {
        var args = GnuArgs.Normalize(raw, Valued);
        var images = new List<string>();
        ImageFormat? format = null;
        bool json = false, check = false, grant = false;
        var table = TableStyle.Default;
        Perm perm = Perm.None;
        Unshare unshare = Unshare.None;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-h" or "-?" or "--help": throw new HelpRequested(Usage.Status);
                case "-J" or "--json": json = true; break;
                case "-f" or "--format": format = ImageFormats.Parse(Value(args, ref i), "status", Usage.Status); break;
                case "-o" or "--output":
                    try { table = table with { Columns = TableStyle.ParseColumns(Value(args, ref i)) }; }
                    catch (FormatException e) { throw new UsageException($"status: {arg}: {e.Message}", Usage.Status); }
                    break;
                case "-n" or "--noheadings": table = table with { NoHeadings = true }; break;
                case "-r" or "--raw": table = table with { Raw = true }; break;
                case "-u" or "--notruncate": table = table with { NoTruncate = true }; break;
                case "-q" or "--check": check = true; break;
                case "--perm": perm = (Perm)List(args, ref i); grant = true; break;
                case "--unshare": unshare = (Unshare)List(args, ref i); grant = true; break;
                case "--": images.AddRange(args[(i + 1)..]); i = args.Length; break;
                default:
                    if (arg.StartsWith('-') && arg != "-") throw new UsageException($"status: unknown option '{arg}'", Usage.Status);
                    images.Add(arg);
                    break;
            }
        }
        if (images.Any(a => a.Length == 0)) throw new UsageException("status: an image path is empty", Usage.Status);
        if (grant && !check) throw new UsageException("status: --perm and --unshare go with -q/--check", Usage.Status);
        if (check && (images.Count != 1 || json))
            throw new UsageException("status: -q/--check takes one IMAGE, without --json", Usage.Status);
        return new StatusOptions(images, format, json, table, check, perm, unshare, grant);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new UsageException($"status: {args[i - 1]} needs a value", Usage.Status);

    private static int List(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        try { return PermNames.ParseList(text); }
        catch (FormatException e) { throw new UsageException($"status: {args[i - 1]}: {e.Message}", Usage.Status); }
    }
}
