using System.Reflection;

namespace ImageLock.Qemu.Tests.Reference;

/// <summary>docs/qemu-reference-7.2.md against what is built from it and what re-measured it: ReferenceData.cs is
/// generate.py's output of the current table, and the output of docs/measure/qemu-7.2-bytes-held.sh printed under
/// "Re-measured" covers every row of "Bytes held per configuration", with the same bytes.</summary>
public sealed class ReferenceDocTests
{
    private static readonly string Doc = Path.Combine(
        typeof(ReferenceDocTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!,
        "docs", "qemu-reference-7.2.md");

    [Fact]
    public void ReferenceData_is_generated_from_the_current_bytes_held_table()
    {
        var table = Rows("## Bytes held per configuration").Where(r => r[2] == "image" || r[0].StartsWith("overlay", StringComparison.Ordinal));
        Assert.Equal(table.Select(Key), ReferenceData.BytesHeld.Select(Key));
    }

    [Fact]
    public void Every_bytes_held_row_was_re_measured_with_the_same_bytes()
    {
        var table = Rows("## Bytes held per configuration").Select(Key).Order(StringComparer.Ordinal).ToList();
        var measured = Rows("### Re-measured").Select(Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(86, table.Count); // the table this test was written against; a new row needs its measurement
        Assert.Equal(table, measured);
    }

    /// <summary>configuration | format | image | perm bytes | unshare bytes.</summary>
    private static string Key(string[] row) => string.Join(" | ", row.Take(5));

    /// <summary>The table rows (also inside a fenced block) between <paramref name="heading"/> and the next heading.</summary>
    private static List<string[]> Rows(string heading)
    {
        var lines = File.ReadAllLines(Doc);
        int start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"{Doc} has no '{heading}'");
        return lines.Skip(start + 1).TakeWhile(l => !l.StartsWith('#'))
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| configuration", StringComparison.Ordinal))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
    }
}
