using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>Reads what a benchmark mode prints (its markdown tables, its one-line results) so a test can check that each
/// row is there and carries a number, and nothing about the numbers themselves.</summary>
public static partial class BenchmarkOutput
{
    /// <summary>The rows (cells trimmed) of the first table whose header line starts with <paramref name="header"/>,
    /// BenchmarkDotNet's blank group separators left out; fails unless there are rows and each has a measurement in
    /// the column headed <paramref name="measured"/>.</summary>
    public static List<string[]> Table(string output, string header, string measured)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int at = lines.FindIndex(l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.True(at >= 0, $"no table with the header '{header}' in the output:\n{output}");
        int column = Array.IndexOf(Cells(lines[at]), measured);
        Assert.True(column >= 0, $"the table '{header}' has no column '{measured}': {lines[at]}");
        var rows = lines.Skip(at + 2).TakeWhile(l => l.StartsWith('|')).Select(Cells).Where(r => r.Any(c => c.Length > 0)).ToList();
        Assert.True(rows.Count > 0, $"the table '{header}' has no rows:\n{output}");
        foreach (var row in rows)
            Assert.True(column < row.Length && Measurement().IsMatch(row[column]),
                $"'{measured}' is not a measurement in the row | {string.Join(" | ", row)} |\n{output}");
        return rows;
    }

    /// <summary>The lines matching <paramref name="pattern"/> (multiline); fails when there are fewer than <paramref name="atLeast"/>.</summary>
    public static MatchCollection Lines(string output, string pattern, int atLeast)
    {
        var matches = Regex.Matches(output, pattern, RegexOptions.Multiline);
        Assert.True(matches.Count >= atLeast, $"expected at least {atLeast} lines matching {pattern}, found {matches.Count}:\n{output}");
        return matches;
    }

    private static string[] Cells(string line) => [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    /// <summary>"3.94", "12.6 ms", "1,868.2 us", "0.4 / 0.4 / 0.4 ms", "**3.2 %**", "4.1 ± 0.3", "455 ms (455–455)".</summary>
    [GeneratedRegex(@"^\**-?\d[\d,]*(\.\d+)?( ?(±|/) ?-?\d[\d,]*(\.\d+)?)*( ?(ns|us|μs|ms|s|%))?\**( \(.+\))?$")]
    private static partial Regex Measurement();
}
