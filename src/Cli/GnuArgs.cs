namespace ImageLock.Cli;

/// <summary>GNU/POSIX option forms, rewritten into the one form the parsers read: <c>--opt=value</c> becomes
/// <c>--opt value</c>, bundled short options <c>-nw5</c> become <c>-n -w 5</c>. Nothing after <c>--</c> is touched.</summary>
internal static class GnuArgs
{
    /// <param name="valued">The options that take a value, long and short (<c>--wait</c>, <c>-w</c>).</param>
    public static string[] Normalize(string[] args, IReadOnlySet<string> valued)
    {
        var result = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--") { result.AddRange(args[i..]); break; }
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--") && eq > 2 && valued.Contains(arg[..eq])) { result.Add(arg[..eq]); result.Add(arg[(eq + 1)..]); }
            else if (arg.Length > 2 && arg[0] == '-' && arg[1] != '-') Unbundle(arg, valued, result);
            else result.Add(arg);
            // The value of a valued option is never itself read as an option ('-w -1' is a bad wait, not '-1').
            if (valued.Contains(result[^1]) && i + 1 < args.Length) result.Add(args[++i]);
        }
        return [.. result];
    }

    private static void Unbundle(string arg, IReadOnlySet<string> valued, List<string> result)
    {
        for (int k = 1; k < arg.Length; k++)
        {
            string option = "-" + arg[k];
            result.Add(option);
            if (valued.Contains(option) && k + 1 < arg.Length) { result.Add(arg[(k + 1)..]); return; }
        }
    }
}
