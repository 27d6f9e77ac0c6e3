using System.Text.RegularExpressions;

namespace ImageLock.Package.Tests;

/// <summary>
/// docs/benchmarks.md's "How to rerun": each timing command (the <c>dotnet run</c> lines BenchmarkCommandsTests does
/// not run, and <c>../startup.sh</c>) exactly as written, taken from the doc at test time, after the doc's build and
/// <c>cd</c>, in a copy of the checkout, with IMAGELOCK_BENCH_SMOKE=1: each mode takes one small sample through its
/// real code path (real locks, crowds, csc, dotnet build, hyperfine). Checked: exit code 0 and that the mode printed
/// its table or result lines with a number in each row. Never the numbers: timings belong in the doc, not in a test.
/// </summary>
public sealed class BenchmarkSmokeTests(BenchmarkSmokeTests.BenchCheckout bench) : IClassFixture<BenchmarkSmokeTests.BenchCheckout>
{
    private const string Doc = "docs/benchmarks.md";
    private const string Section = "How to rerun";
    private const string Startup = "../startup.sh";

    private static List<string> RerunLines(string root) =>
        [.. DocCommands.Of(root, Doc).Where(c => c.Section == Section).Select(c => c.Line)];

    /// <summary>The timing runs of the program: every <c>dotnet run</c> line but <c>--fcntl-table</c> (BenchmarkCommandsTests).</summary>
    public static TheoryData<string> Runs()
    {
        var data = new TheoryData<string>();
        foreach (var line in RerunLines(Dotnet.RepositoryRoot))
        {
            string command = DocCommands.WithoutComment(line);
            if (command.StartsWith("dotnet run ", StringComparison.Ordinal) && !command.Contains("--fcntl-table", StringComparison.Ordinal))
                data.Add(line);
        }
        return data;
    }

    [Theory, MemberData(nameof(Runs))]
    public void Timing_run_works_as_written_and_prints_its_rows(string line)
    {
        string output = bench.Run(line);
        string command = DocCommands.WithoutComment(line);
        var check = Checks.FirstOrDefault(c => command.Contains(c.Mode, StringComparison.Ordinal));
        Assert.True(check.Check is not null, $"no check of the output of `{command}`: add its mode to {nameof(Checks)}");
        check.Check(command, output);
    }

    /// <summary>The native binary is published (NativeAOT needs a C toolchain) and timed by hyperfine beside flock.</summary>
    [ToolsFact("hyperfine", "gcc|clang")]
    public void Startup_script_works_as_written_and_prints_its_tables()
    {
        string line = RerunLines(Dotnet.RepositoryRoot).Single(l => DocCommands.WithoutComment(l) == Startup);
        string output = bench.Run(line);
        Assert.Equal(4, BenchmarkOutput.Table(output, "| Command | Mean [ms]", "Mean [ms]").Count);
        var rows = BenchmarkOutput.Table(output, "| command | min ms | median ms |", "median ms");
        Assert.Equal(["imagelock status (native)", "flock -n FILE true", "lslocks", "imagelock status (dotnet tool build)"], rows.Select(r => r[0]));
        BenchmarkOutput.Lines(output, @"^native imagelock / flock \(medians\): \d+\.\d+x", 1);
    }

    /// <summary>What each mode must print; a mode is found by its option in the command.</summary>
    private static readonly (string Mode, Action<string, string> Check)[] Checks =
    [
        ("--filter", (_, output) =>
        {
            var rows = BenchmarkOutput.Table(output, "| Method ", "Mean");
            var executed = BenchmarkOutput.Lines(output, @"^Global total time: .*executed benchmarks: (\d+)", 1);
            Assert.Equal(executed[^1].Groups[1].Value, rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }),
        ("--wait-latency", (_, output) =>
        {
            BenchmarkOutput.Lines(output, @"^idle process CPU \(nobody waiting\): min \d", 1);
            BenchmarkOutput.Lines(output, @"^.+: release→held ms min [\d.]+ p50 [\d.]+ p99 [\d.]+ max [\d.]+\r?$", 2);
            BenchmarkOutput.Lines(output, @"^.+: CPU while waiting min [\d.]+ .*probes \(F_OFD_GETLK calls\) per second min \d", 2);
        }),
        ("--generator-steps", (command, output) =>
        {
            var rows = BenchmarkOutput.Table(output, "| methods | generator |", "after an unrelated edit");
            Assert.Contains("this build", rows.Select(r => r[1]));
            // Another build's DLL is named after its folder (OLD/ImageLock.Generators.dll: "OLD").
            var other = command.Split(' ').FirstOrDefault(w => w.EndsWith(".dll", StringComparison.Ordinal));
            if (other is not null) Assert.Contains(Path.GetFileName(Path.GetDirectoryName(other)), rows.Select(r => r[1]));
        }),
        ("--analyzer-time", (_, output) =>
        {
            BenchmarkOutput.Table(output, "| methods | analyzer time", "analyzer time (min / median / max)");
            BenchmarkOutput.Lines(output, @"^Median per analyzer:", 1);
        }),
        ("--build-time", (_, output) => BenchmarkOutput.Table(output, "| methods | build | runs |", "Csc: SDK's + ImageLock's")),
        ("--csc-cpu", (command, output) =>
        {
            var rows = BenchmarkOutput.Table(output, "| methods | runs | csc CPU", "SDK's + ImageLock's");
            string threads = command.Split(' ').Contains("serial") ? "one thread (`/parallel-`)" : "concurrent (default)";
            Assert.All(rows, row => Assert.Equal(threads, row[^1]));
        }),
        ("--conflict-latency", (_, output) =>
        {
            // A crowd needs a hard RLIMIT_NOFILE above its size; without it the scenario says "skipped" and why.
            var rows = BenchmarkOutput.Lines(output, @"^(?<name>[^:\n]+): (ms min [\d.]+ p50 [\d.]+ p99 [\d.]+ max [\d.]+;|skipped)", 2);
            Assert.Contains(rows, r => r.Groups["name"].Value == "no crowd" && r.Value.Contains("ms min", StringComparison.Ordinal));
        }),
        ("--scan-cost", (_, output) => BenchmarkOutput.Lines(output, @"^.+: [\d.]+ / [\d.]+ us per descriptor \(min / median\)", 2)),
    ];

    /// <summary>A copy of the checkout with the doc's Release build of the benchmarks done, and another build of the
    /// generator wherever a line names one (<c>OLD/ImageLock.Generators.dll</c>): a copy of this build's DLL.</summary>
    public sealed class BenchCheckout : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("imagelock-bench-smoke-").FullName;
        private readonly string _checkout;
        private readonly string _cd;

        public BenchCheckout()
        {
            _checkout = Path.Combine(_root, "imagelock-sdk");
            PackedFeed.CopyCheckout(Dotnet.RepositoryRoot, _checkout);
            var lines = RerunLines(_checkout);
            string build = lines.Single(l => DocCommands.WithoutComment(l).StartsWith("dotnet build ", StringComparison.Ordinal));
            _cd = lines.Single(l => DocCommands.WithoutComment(l).StartsWith("cd ", StringComparison.Ordinal));
            Dotnet.Exec(_checkout, null, "bash", "-euo", "pipefail", "-c", build).EnsureSuccess();

            string benchDir = Path.Combine(_checkout, DocCommands.WithoutComment(_cd)["cd ".Length..]);
            string generator = Directory.GetFiles(Path.Combine(benchDir, "bin", "Release"), "ImageLock.Generators.dll", SearchOption.AllDirectories).First();
            foreach (Match other in Regex.Matches(string.Join("\n", lines), @"\S+/ImageLock\.Generators\.dll"))
            {
                string target = Path.Combine(benchDir, other.Value);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(generator, target, overwrite: true);
            }
        }

        /// <summary>The doc's <c>cd</c>, then the line as written, with IMAGELOCK_BENCH_SMOKE=1; its output, once it exited 0.</summary>
        public string Run(string line) =>
            Dotnet.Exec(_checkout, new Dictionary<string, string?> { ["IMAGELOCK_BENCH_SMOKE"] = "1" },
                "bash", "-euo", "pipefail", "-c", _cd + "\n" + line).EnsureSuccess().Output;

        public void Dispose()
        {
            try { Directory.Delete(_root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
