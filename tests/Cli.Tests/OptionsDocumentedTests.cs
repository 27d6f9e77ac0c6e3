using System.Text.RegularExpressions;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>The man page (packaging/man/imagelock.1) and the bash completion (packaging/completion/imagelock.bash)
/// list exactly the options that <c>imagelock [COMMAND] --help</c> lists, per command, so neither can drift from the
/// CLI. Common options (-h, -?, --help, -V, --version) are those of the main usage.</summary>
public sealed partial class OptionsDocumentedTests
{
    public static TheoryData<string> Commands => new() { "", "status", "hold", "demo" };

    [GeneratedRegex(@"(?<![\w-])--?[A-Za-z?][A-Za-z-]*")]
    private static partial Regex OptionToken();

    private static SortedSet<string> Tokens(IEnumerable<string> texts) =>
        new(texts.SelectMany(t => OptionToken().Matches(t).Select(m => m.Value)), StringComparer.Ordinal);

    private static string Help(string command)
    {
        var r = command == "" ? Imagelock.Run("--help") : Imagelock.Run(command, "--help");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        return r.Out;
    }

    /// <summary>The options a help text lists: those of its usage line, and the first column of its option lines
    /// (lines indented by two spaces that start with '-', up to the first double space; deeper indented lines
    /// continue a description).</summary>
    private static SortedSet<string> HelpOptions(string help)
    {
        var lines = help.Split('\n');
        var usage = UsageLines(lines);
        var optionLines = lines.Where(l => l.StartsWith("  -", StringComparison.Ordinal))
            .Select(l => Regex.Split(l.Trim(), " {2,}")[0]);
        return Tokens(usage.Concat(optionLines));
    }

    /// <summary>The "usage:" line and the lines under it that give another form ("       imagelock status -q ...").</summary>
    private static IEnumerable<string> UsageLines(string[] lines) =>
        lines.SkipWhile(l => !l.StartsWith("usage:", StringComparison.Ordinal))
            .TakeWhile((l, i) => i == 0 || l.TrimStart().StartsWith("imagelock ", StringComparison.Ordinal) && l.StartsWith(' '));

    private static SortedSet<string> UsageLineOptions(string help) => Tokens(UsageLines(help.Split('\n')));

    /// <summary>roff source to the words it shows: \- is '-', font escapes and quotes go.</summary>
    private static string Unroff(string line) =>
        Regex.Replace(line.Replace(@"\-", "-"), @"\\f[BIRP]|\\\(..|""", " ");

    private static string[] ManLines { get; } = File.ReadAllLines(Repository.File("packaging/man/imagelock.1"));

    private static IEnumerable<string> Section(string heading, string next) =>
        ManLines.SkipWhile(l => l != heading).Skip(1).TakeWhile(l => !l.StartsWith(next, StringComparison.Ordinal));

    /// <summary>The tags (the line after each .TP) of the OPTIONS subsection of <paramref name="command"/> ("" for
    /// "Common options").</summary>
    private static SortedSet<string> ManOptions(string command)
    {
        var section = Section(".SH OPTIONS", ".SH ").ToList();
        string heading = command == "" ? ".SS \"Common options\"" : $".SS \"{command} options\"";
        var sub = section.SkipWhile(l => l != heading).Skip(1).TakeWhile(l => !l.StartsWith(".SS ", StringComparison.Ordinal)).ToList();
        return Tokens(sub.Where((l, i) => i > 0 && sub[i - 1] == ".TP").Select(Unroff));
    }

    /// <summary>The options of the SYNOPSIS lines of <paramref name="command"/> ("" for the lines naming no command).</summary>
    private static SortedSet<string> ManSynopsis(string command)
    {
        var chunks = new List<List<string>> { new() };
        foreach (var line in Section(".SH SYNOPSIS", ".SH "))
            if (line == ".br") chunks.Add([]); else chunks[^1].Add(line);
        var words = chunks.Where(c => (c[0].Split(' ') is [".B", "imagelock", var cmd, ..] ? cmd : "") == command).SelectMany(c => c).Select(Unroff);
        var options = Tokens(words);
        options.Remove("--"); // 'hold IMAGE -- CMD' ends the options, it is not one
        return options;
    }

    /// <summary>What bash offers for <c>imagelock COMMAND -</c>, from the completion script alone (plain compgen, no
    /// bash-completion needed).</summary>
    private static SortedSet<string> Completion(string command)
    {
        string line = command == "" ? "imagelock -" : $"imagelock {command} -";
        var r = Run("bash", "--norc", "--noprofile", "-c", """
            source "$1"
            read -ra COMP_WORDS <<<"$2"
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _imagelock imagelock "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\n' "${COMPREPLY[@]}"
            """, "complete", Repository.File("packaging/completion/imagelock.bash"), line);
        Assert.True(r.Exit == 0 && r.Err == "", CliFacts.Describe(r));
        var words = new SortedSet<string>(CliFacts.Lines(r.Out), StringComparer.Ordinal);
        words.Remove("--");
        return words;
    }

    private static (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        using var child = ChildProcess.Start(file, args);
        if (!child.WaitForExit(TimeSpan.FromMinutes(2))) throw new TimeoutException($"{file} did not exit: {child}");
        return (child.ExitCode, child.StdOut, child.StdErr);
    }

    private static string Show(IEnumerable<string> options) => string.Join(' ', options);

    [Fact]
    public void Main_usage_lists_the_common_options()
    {
        Assert.Equal(["--help", "--version", "-?", "-V", "-h"], HelpOptions(Help("")));
        foreach (var option in new[] { "-?", "-V", "--version" })
        {
            var r = Imagelock.Run(option);
            Assert.True(r.Exit == 0 && r.Out.Length > 0, option + ": " + CliFacts.Describe(r));
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Man_page_lists_the_options_of_the_help(string command)
    {
        string help = Help(command);
        Assert.Equal(Show(HelpOptions(help)), Show(ManOptions(command)));
        Assert.Equal(Show(command == "" ? HelpOptions(help) : UsageLineOptions(help)), Show(ManSynopsis(command)));
    }

    /// <summary>The usage lines of every command's help, without "usage: " and the indent of the further forms.</summary>
    private static List<string> Synopsis() => new[] { "status", "hold", "demo" }
        .SelectMany(c => UsageLines(Help(c).Split('\n'))).Select(l => l.Trim().Replace("usage: ", "", StringComparison.Ordinal)).ToList();

    /// <summary>The lines of the first fenced block without a language of a markdown file: its synopsis.</summary>
    private static List<string> MarkdownSynopsis(string file, string section) => File.ReadAllLines(Repository.File(file))
        .SkipWhile(l => l != section).Skip(1).SkipWhile(l => l != "```").Skip(1).TakeWhile(l => l != "```").ToList();

    [Fact]
    public void Tool_package_readme_synopsis_is_the_usage_of_each_help()
    {
        Assert.Equal(Synopsis(), MarkdownSynopsis("src/Cli/PACKAGE.md", "# imagelock"));
    }

    [Fact]
    public void Readme_synopsis_lines_are_usage_lines_of_the_help()
    {
        var synopsis = Synopsis();
        var readme = MarkdownSynopsis("README.md", "## Usage: the command");
        Assert.Equal(synopsis.Where(l => l != "imagelock demo"), readme);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Bash_completion_offers_the_options_of_the_help(string command)
    {
        var expected = HelpOptions(Help(command));
        if (command != "") expected.UnionWith(["-h", "--help"]);
        expected.Remove("-?"); // a glob character; -h is the same option
        Assert.Equal(Show(expected), Show(Completion(command)));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_takes_the_common_help_options(string command)
    {
        foreach (var option in new[] { "-h", "-?", "--help" })
        {
            var r = command == "" ? Imagelock.Run(option) : Imagelock.Run(command, option);
            Assert.True(r.Exit == 0, $"{command} {option}: " + CliFacts.Describe(r));
            Assert.Equal(Help(command), r.Out);
        }
    }
}
