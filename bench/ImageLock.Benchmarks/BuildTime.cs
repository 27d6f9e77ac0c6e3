using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 6, what a user waits for: `dotnet build` of a consumer of the packed ImageLock.Sdk with N annotated
/// methods (benchmark 5's Tools*.cs) and N ordinary methods that call their generated wrappers, built with no
/// analyzers, with the .NET SDK's default analyzers only (ImageLock's removed, the generator kept), and with both
/// (the default). Rebuilds (--no-incremental) and builds after an edit of one unrelated file, every configuration in
/// turn in each round (the first round warms the compiler server and is not counted). Measured: the Csc task's time
/// (MSBuild's performance summary: the compile, generator included) and the whole command's wall time.
/// </summary>
internal static partial class BuildTime
{
    private static readonly PackedSdk.Config[] Configs = PackedSdk.Configs;

    private sealed record Mode(string Name, bool Rebuild, bool Server);

    /// <summary>With the compiler server (warm after round 0), as a developer's machine builds; and without it, as this
    /// machine's environment sets (UseSharedCompilation=false): a new csc process that loads and JITs every analyzer.</summary>
    private static readonly Mode[] Modes =
    [
        new("--no-incremental, compiler server", Rebuild: true, Server: true),
        new("after an edit, compiler server", Rebuild: false, Server: true),
        new("--no-incremental, no server", Rebuild: true, Server: false),
    ];

    /// <summary>Our own compiler server (its pipe name), so the benchmark neither uses nor ends anyone else's.</summary>
    private static readonly string ServerId = $"imagelock-bench-{Environment.ProcessId}";

    /// <param name="serverOnly">Skip the builds without the compiler server (they take longest).</param>
    public static int Run(int runs, int[] sizes, bool serverOnly = false)
    {
        var modes = serverOnly ? Modes.Where(m => m.Server).ToArray() : Modes;
        string root = RepositoryRoot();
        var temp = Directory.CreateTempSubdirectory("imagelock-buildtime-");
        try
        {
            var sdk = PackedSdk.Pack(root, temp);
            var env = sdk.Env;

            var results = new List<string>();
            foreach (int methods in sizes)
            {
                string project = sdk.Consumer(Path.Combine(temp.FullName, $"Consumer{methods}"), methods);
                CheckAnalyzers(project, env);
                results.AddRange(Measure(project, env, methods, runs, modes));
                PrintAnalyzerReport(project, env, methods);
            }
            PackedSdk.PrintTable("| methods | build | runs | Csc: no analyzers | Csc: SDK's analyzers | Csc: SDK's + ImageLock's | **ImageLock's share** | all analyzers' share | wall: SDK's → + ImageLock's | load |",
                "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|", results);
            return 0;
        }
        finally
        {
            StopOurServer();
            temp.Delete(recursive: true);
        }
    }

    private static IEnumerable<string> Measure(string project, Dictionary<string, string?> env, int methods, int runs, Mode[] modes)
    {
        var csc = new Dictionary<(string, string), List<double>>();
        var wall = new Dictionary<(string, string), List<double>>();
        var load = new List<double>();
        int edit = 0;
        int warmups = Smoke.Warmups(1); // round 0 warms up: the compiler server loads and JITs the analyzers
        for (int r = 0; r < warmups + runs; r++)
            foreach (var mode in modes)
                for (int k = 0; k < Configs.Length; k++)
                {
                    var config = Configs[(k + r) % Configs.Length]; // rotate the order so no configuration always goes first
                    if (!mode.Rebuild) File.WriteAllText(Path.Combine(project, "Unrelated.cs"), SyntheticCompilation.UnrelatedText(++edit));
                    load.Add(LoadAverage());
                    var (c, w) = Build(project, env, [.. Options(mode), .. config.Properties]);
                    if (r < warmups) continue;
                    Add(csc, (mode.Name, config.Name), c);
                    Add(wall, (mode.Name, config.Name), w);
                }
        foreach (string mode in modes.Select(m => m.Name))
        {
            double Median(Dictionary<(string, string), List<double>> d, int config) => MedianOf(d[(mode, Configs[config].Name)]);
            string Cell(int config) { var l = csc[(mode, Configs[config].Name)]; return $"{Median(csc, config):N0} ms ({l.Min():N0}–{l.Max():N0})"; }
            // Shares from the medians of the per-round differences: the configurations of one round ran back to back.
            double ours = MedianOf(Diff(csc, mode, 2, 1)), all = MedianOf(Diff(csc, mode, 2, 0));
            double full = Median(csc, 2);
            yield return $"| {methods:N0} | {mode} | {runs} | {Cell(0)} | {Cell(1)} | {Cell(2)} | **{ours / full:P1}** | {all / full:P1} | " +
                $"{Median(wall, 1):N0} → {Median(wall, 2):N0} ms | {load.Min():0.0}–{load.Max():0.0} |";
        }
    }

    private static List<double> Diff(Dictionary<(string, string), List<double>> d, string mode, int a, int b) =>
        [.. d[(mode, Configs[a].Name)].Zip(d[(mode, Configs[b].Name)], (x, y) => x - y)];

    private static void Add(Dictionary<(string, string), List<double>> d, (string, string) key, double value)
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        list.Add(value);
    }

    internal static double MedianOf(List<double> values)
    {
        var sorted = values.Order().ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static (double Csc, double Wall) Build(string project, Dictionary<string, string?> env, string[] options)
    {
        long t0 = Stopwatch.GetTimestamp();
        var run = Exec(project, env, "dotnet", ["build", "-nologo", "--no-restore", "-nodeReuse:false", "-v:q", "-clp:PerformanceSummary", .. options]).Require();
        double wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        var match = CscTask().Match(run.Output);
        if (!match.Success) throw new InvalidOperationException($"no Csc task in the performance summary (did the compile run?):\n{run.Output}");
        return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), wall);
    }

    /// <summary>Guards: the default build runs ImageLock's analyzers (csc's /reportanalyzer lists them), the SDK-only
    /// build does not, and the code compiles without a diagnostic from ImageLock.</summary>
    private static void CheckAnalyzers(string project, Dictionary<string, string?> env)
    {
        var with = ReportAnalyzer(project, env);
        var without = ReportAnalyzer(project, env, "-p:ImageLockAnalyzers=false");
        if (!with.Output.Contains("ImageLock.Analyzers.PermissionAnalyzer", StringComparison.Ordinal))
            throw new InvalidOperationException($"the default build did not run ImageLock's analyzers:\n{with.Output}");
        if (without.Output.Contains("ImageLock.Analyzers.PermissionAnalyzer", StringComparison.Ordinal) || !without.Output.Contains("ImageLock.Generators", StringComparison.Ordinal))
            throw new InvalidOperationException($"the SDK-only build ran ImageLock's analyzers or not its generator:\n{without.Output}");
        if (with.Output.Contains("IMGL", StringComparison.Ordinal) && Regex.IsMatch(with.Output, @"(warning|error) IMGL\d{4}"))
            throw new InvalidOperationException($"the synthetic consumer has ImageLock diagnostics:\n{with.Output}");
    }

    /// <summary>A default rebuild on the warm compiler server with csc's /reportanalyzer: the analyzers' and generators'
    /// own times as the compiler measured them (concurrent execution: they can add up to more than the elapsed time).</summary>
    private static void PrintAnalyzerReport(string project, Dictionary<string, string?> env, int methods)
    {
        Console.WriteLine($"// {methods:N0} methods, csc /reportanalyzer of a default rebuild on the warm server:");
        foreach (var line in ReportAnalyzer(project, env).Output.Split('\n').Where(l => AnalyzerReport().IsMatch(l)))
            Console.WriteLine("//   " + line.Trim());
    }

    private static Result ReportAnalyzer(string project, Dictionary<string, string?> env, params string[] properties) =>
        Exec(project, env, "dotnet", ["build", "-nologo", "--no-restore", "-nodeReuse:false", "-v:d", "-p:ReportAnalyzer=true",
            .. Options(Modes[0]), .. properties]).Require();

    private static string[] Options(Mode mode) =>
        [.. mode.Rebuild ? new[] { "--no-incremental" } : [], $"-p:UseSharedCompilation={(mode.Server ? "true" : "false")}", $"-p:SharedCompilationId={ServerId}"];

    /// <summary>Ends the compiler server this benchmark started (found by its pipe name), by its PID.</summary>
    private static void StopOurServer()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            if (!cmdline.Contains("VBCSCompiler", StringComparison.Ordinal) || !cmdline.Contains($"-pipename:{ServerId}\0", StringComparison.Ordinal)) continue;
            try { using var p = System.Diagnostics.Process.GetProcessById(pid); p.Kill(); }
            catch (ArgumentException) { } // already gone
            catch (InvalidOperationException) { }
        }
    }

    internal static string WriteConsumer(string directory, int methods, string feed, string version)
    {
        Directory.CreateDirectory(directory);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // ImageLock.Sdk from the fresh feed; its dependencies from the machine's package cache (no network needed).
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="feed" value="{feed}" />
                <add key="cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $$"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ImageLock.Sdk" Version="{{version}}" />
              </ItemGroup>
              <!-- The benchmark's switch: -p:ImageLockAnalyzers=false keeps the generator and drops ImageLock's analyzers. -->
              <Target Name="BenchWithoutImageLockAnalyzers" AfterTargets="ResolveLockFileAnalyzers" Condition="'$(ImageLockAnalyzers)' == 'false'">
                <ItemGroup>
                  <Analyzer Remove="@(Analyzer)" Condition="'%(Filename)' == 'ImageLock.Analyzers' or '%(Filename)' == 'ImageLock.Analyzers.CodeFixes'" />
                </ItemGroup>
              </Target>
              <!-- For the csc CPU benchmark: -p:BenchCscArgs=FILE writes csc's command line (one argument a line) and the compiler's directory. -->
              <Target Name="BenchWriteCscArgs" AfterTargets="CoreCompile" Condition="'$(BenchCscArgs)' != ''">
                <WriteLinesToFile File="$(BenchCscArgs)" Lines="@(CscCommandLineArgs)" Overwrite="true" />
                <WriteLinesToFile File="$(BenchCscArgs).roslyn" Lines="$(RoslynTargetsPath)" Overwrite="true" />
              </Target>
            </Project>
            """);
        for (int c = 0; c * 10 < methods; c++)
        {
            int count = Math.Min(10, methods - c * 10);
            File.WriteAllText(Path.Combine(directory, $"Tools{c}.cs"), SyntheticCompilation.Class(c, count));
            File.WriteAllText(Path.Combine(directory, $"Callers{c}.cs"), Callers(c, count));
        }
        File.WriteAllText(Path.Combine(directory, "Unrelated.cs"), SyntheticCompilation.UnrelatedText(0));
        return directory;
    }

    /// <summary>Ordinary code: one caller of each generated path overload.</summary>
    private static string Callers(int c, int count)
    {
        var sb = new StringBuilder($"namespace Synthetic;\n\npublic static class Callers{c}\n{{\n");
        for (int m = 0; m < count; m++)
        {
            int i = c * 10 + m;
            sb.Append(i % 3 == 2
                ? $"    public static async Task<int> Call{i}Async(string path) => await Tools{c}.Op{i}Async(path, {i}).ConfigureAwait(false) + 1;\n"
                : $"    public static int Call{i}(string path) => path.Length == 0 ? 0 : Tools{c}.Op{i}(path, {i}) * 2;\n");
        }
        return sb.Append("}\n").ToString();
    }

    internal static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    internal static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "ImageLockSdk.sln"))) return d.FullName;
        throw new InvalidOperationException("ImageLockSdk.sln not found above the benchmark's directory");
    }

    internal static string GitHead(string root) => Exec(root, null, "git", "rev-parse", "--short", "HEAD").Output.Trim();

    internal sealed record Result(string Command, int ExitCode, string Output)
    {
        public Result Require() => ExitCode == 0 ? this : throw new InvalidOperationException($"`{Command}` exited {ExitCode}:\n{Output}");
    }

    internal static Result Exec(string directory, Dictionary<string, string?>? env, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env ?? []) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(30)))
        {
            process.Kill(entireProcessTree: true); // only the process this benchmark started, and its build nodes
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` did not finish in 30 minutes");
        }
        process.WaitForExit();
        return new Result($"{file} {string.Join(' ', args)}", process.ExitCode, stdout.Result + stderr.Result);
    }

    [GeneratedRegex(@"^\s*(\d+) ms\s+Csc\s+\d+ calls", RegexOptions.Multiline)]
    private static partial Regex CscTask();

    [GeneratedRegex(@"^\s*(Total (analyzer|generator) execution time|<?[\d.]+\s+<?\d+\s+(ImageLock\.|Microsoft\.CodeAnalysis\.(CSharp\.)?NetAnalyzers,))")]
    private static partial Regex AnalyzerReport();
}
