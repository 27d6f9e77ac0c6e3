using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ImageLock.Qemu.Tests.Reference;

/// <summary>docs/qemu-reference-7.2.md and docs/qemu-versions.md against what is built from them and what measures
/// them: ReferenceData.cs is generate.py's output of the current table (the doc's command, run as written), the output
/// of docs/measure/qemu-7.2.sh printed under "Re-measured" covers every row of "Bytes held per configuration", and the
/// script itself, run as the doc writes it, gives every column of that table, the clients table, the external
/// acquisitions table and both tables of QEMU commands while an external program holds locks now; and
/// docs/measure/qemu-versions.sh, run as docs/qemu-versions.md writes it, gives that page's table.</summary>
public sealed partial class ReferenceDocTests
{
    private static readonly string RepositoryRoot =
        typeof(ReferenceDocTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private static readonly string Doc = Path.Combine(RepositoryRoot, "docs", "qemu-reference-7.2.md");

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

    [Fact]
    public void The_docs_generate_command_gives_the_checked_in_ReferenceData()
    {
        // In a copy of the two files it reads and writes, so the checkout's ReferenceData.cs stays as it is.
        string copy = Directory.CreateTempSubdirectory("imagelock-generate-").FullName;
        try
        {
            foreach (var file in new[] { "docs/qemu-reference-7.2.md", "tests/Qemu.Tests/Reference/generate.py" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, file))!);
                File.Copy(Path.Combine(RepositoryRoot, file), Path.Combine(copy, file));
            }
            string generate = Assert.Single(Commands(Doc, "# QEMU 7.2: the measured reference"));
            Shell(copy, generate);
            Assert.Equal(File.ReadAllText(Path.Combine(RepositoryRoot, "tests/Qemu.Tests/Reference/ReferenceData.cs")),
                File.ReadAllText(Path.Combine(copy, "tests/Qemu.Tests/Reference/ReferenceData.cs")));
        }
        finally { Directory.Delete(copy, recursive: true); }
    }

    /// <summary>Every column of "Bytes held per configuration" as the script measures it now: the bytes, the /proc/locks
    /// lines and the holder's descriptors with their mode. A POSIX lock shows its holder's pid, another per run.</summary>
    [QemuFact]
    public void The_bytes_held_script_run_as_written_gives_every_column_of_the_table()
    {
        AssertMeasured(Assert.Single(Commands(Doc, "### Re-measured"), c => c.EndsWith(".sh", StringComparison.Ordinal)),
            "## Bytes held per configuration");
    }

    [QemuFact]
    public void The_clients_script_run_as_written_gives_the_clients_table()
    {
        AssertMeasured(Assert.Single(Commands(Doc, "### Re-measured"), c => c.EndsWith(" --clients", StringComparison.Ordinal)),
            "## QEMU clients while a configuration holds the image");
    }

    [QemuFact]
    public void The_external_script_run_as_written_gives_the_external_acquisitions_table()
    {
        AssertMeasured(Assert.Single(Commands(Doc, "### Re-measured"), c => c.EndsWith(" --external", StringComparison.Ordinal)),
            "## External (an external holder) acquisitions while a configuration holds the image");
    }

    /// <summary>Both tables of "QEMU commands while an external program holds locks" (qcow2, raw), each under its heading
    /// in the script's output as in the doc.</summary>
    [QemuFact]
    public void The_commands_script_run_as_written_gives_both_commands_tables()
    {
        string command = Assert.Single(Commands(Doc, "### Re-measured"), c => c.EndsWith(" --commands", StringComparison.Ordinal));
        var output = Shell(RepositoryRoot, command).Split('\n');
        foreach (var heading in new[] { "### qcow2 image", "### raw image" })
        {
            var measured = output.SkipWhile(l => l != heading).Skip(1).TakeWhile(l => !l.StartsWith('#'))
                .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| external holder", StringComparison.Ordinal));
            var table = File.ReadAllLines(Doc).SkipWhile(l => l != heading).Skip(1).TakeWhile(l => !l.StartsWith('#'))
                .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| external holder", StringComparison.Ordinal));
            Assert.Equal(string.Join("\n", table.Select(Cells).Order(StringComparer.Ordinal)),
                string.Join("\n", measured.Select(Cells).Order(StringComparer.Ordinal)));
        }
    }

    /// <summary>A row with its cells trimmed: "| a | b |" whatever the padding.</summary>
    private static string Cells(string row) => "| " + string.Join(" | ", row.Trim().Trim('|').Split('|').Select(c => c.Trim())) + " |";

    /// <summary>The rows <paramref name="command"/> prints are the rows of the table under <paramref name="heading"/>,
    /// in any order.</summary>
    private static void AssertMeasured(string command, string heading)
    {
        var measured = Shell(RepositoryRoot, command).Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| configuration", StringComparison.Ordinal))
            .Select(WithoutPid).Order(StringComparer.Ordinal);
        var table = Rows(heading).Select(r => "| " + string.Join(" | ", r) + " |").Select(WithoutPid).Order(StringComparer.Ordinal);
        Assert.Equal(string.Join("\n", table), string.Join("\n", measured));
    }

    /// <summary>docs/qemu-versions.md's table, measured by its script as the page writes it (root: the 5.2 and 10.0
    /// trees run in a mount namespace of their own).</summary>
    [AllQemuVersionsFact]
    public void The_versions_script_run_as_written_gives_the_versions_table()
    {
        string page = Path.Combine(RepositoryRoot, "docs", "qemu-versions.md");
        string measure = Assert.Single(Commands(page, "## Bytes held per configuration"));
        var output = Shell(RepositoryRoot, measure).Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal));
        var table = File.ReadAllLines(page).SkipWhile(l => l != "## Bytes held per configuration").Skip(1)
            .TakeWhile(l => !l.StartsWith('#')).Where(l => l.StartsWith("| ", StringComparison.Ordinal));
        Assert.Equal(string.Join("\n", table), string.Join("\n", output));
    }

    private static string WithoutPid(string row) => PosixPid().Replace(row, "POSIX ADVISORY $1 PID");

    [GeneratedRegex(@"POSIX ADVISORY (READ|WRITE) \d+")]
    private static partial Regex PosixPid();

    /// <summary>The lines of the ```sh blocks between <paramref name="heading"/> and the next heading.</summary>
    private static List<string> Commands(string file, string heading)
    {
        var lines = File.ReadAllLines(file).SkipWhile(l => l != heading).Skip(1).ToList();
        var commands = new List<string>();
        bool inSh = false, inOther = false;
        foreach (var line in lines)
        {
            if (!inSh && !inOther && line.StartsWith('#')) break;
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (inSh || inOther) inSh = inOther = false;
                else if (line == "```sh") inSh = true;
                else inOther = true;
            }
            else if (inSh && line.Length > 0) commands.Add(line);
        }
        return commands;
    }

    /// <summary>Runs <paramref name="command"/> with bash in <paramref name="directory"/>; its stdout, or a failure with stderr.</summary>
    private static string Shell(string directory, string command)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-euo", "pipefail", "-c", command }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(30)))
        {
            process.Kill(entireProcessTree: true); // the script and the holders it started
            Assert.Fail($"`{command}` did not finish in 30 minutes (a hang guard)");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"`{command}` exited {process.ExitCode}:\n{stderr.Result}\n{stdout.Result}");
        return stdout.Result;
    }
}

/// <summary>A test of every QEMU version at once (5.2, 7.2, 10.0): skips loudly unless each can run here, fails
/// instead under CI (IMAGELOCK_REQUIRE_QEMU=1).</summary>
public sealed class AllQemuVersionsFactAttribute : FactAttribute
{
    public AllQemuVersionsFactAttribute()
    {
        if (QemuVersions.All.Select(QemuVersions.SkipReason).FirstOrDefault(r => r is not null) is string reason) Skip = reason;
    }
}
