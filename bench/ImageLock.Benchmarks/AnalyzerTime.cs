using System.Diagnostics;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 6, second half: the analyzers' own execution time as Roslyn's analyzer driver measures it
/// (logAnalyzerExecutionTime), per 1,000 methods, next to the time of the compile it rides on, measured side by side
/// in the same run (alternating), and the median time of each analyzer so the expensive one is visible. Also the wall
/// time of a compile with the analyzers (analysis, then emit of the same compilation, as a build does) against one without:
/// that difference adds what the driver does for any analyzer (binding bodies through semantic models, operation trees)
/// to the callbacks the telemetry counts.
/// </summary>
internal static class AnalyzerTime
{
    public static int Run(int runs, int[] sizes)
    {
        var perAnalyzer = new List<string>();
        Console.WriteLine("| methods | analyzer time (min / median / max) | per 1,000 methods (median) | compile without analyzers (median) | share | compile with analyzers, wall (median) | wall share |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (int methods in sizes)
        {
            var (code, generated) = AnalyzerSetup.Prepare(methods);
            AnalyzerSetup.Analyze(code.Create(generated), logTime: true); // warm-up: JIT
            code.Create(generated).Emit(Stream.Null);
            var analyzer = new List<double>();
            var compile = new List<double>();
            var wall = new List<double>();
            var each = new Dictionary<string, List<double>>();
            for (int r = 0; r < runs; r++)
            {
                var compilation = code.Create(generated);
                long w0 = Stopwatch.GetTimestamp();
                var result = AnalyzerSetup.Analyze(compilation, logTime: true);
                compilation.Emit(Stream.Null);
                wall.Add(Stopwatch.GetElapsedTime(w0).TotalMilliseconds);
                analyzer.Add(result.AnalyzerTelemetryInfo.Values.Sum(t => t.ExecutionTime.TotalMilliseconds));
                foreach (var (a, info) in result.AnalyzerTelemetryInfo)
                {
                    if (!each.TryGetValue(a.GetType().Name, out var list)) each[a.GetType().Name] = list = [];
                    list.Add(info.ExecutionTime.TotalMilliseconds);
                }
                long t0 = Stopwatch.GetTimestamp();
                code.Create(generated).Emit(Stream.Null);
                compile.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            analyzer.Sort(); compile.Sort(); wall.Sort();
            double m = analyzer[runs / 2], c = compile[runs / 2];
            Console.WriteLine($"| {methods:N0} | {analyzer[0]:0.0} / {m:0.0} / {analyzer[^1]:0.0} ms | {m * 1000 / methods:0.0} ms | {c:0.0} ms | {m / (m + c):P1} | {wall[runs / 2]:0.0} ms | {(wall[runs / 2] - c) / wall[runs / 2]:P1} |");
            perAnalyzer.Add($"| {methods:N0} | " + string.Join(" | ", each.OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => { e.Value.Sort(); return $"{e.Key} {e.Value[runs / 2]:0.0} ms"; })) + " |");
        }
        Console.WriteLine();
        Console.WriteLine("Median per analyzer:");
        foreach (var line in perAnalyzer) Console.WriteLine(line);
        return 0;
    }
}
