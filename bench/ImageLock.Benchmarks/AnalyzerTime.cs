using System.Diagnostics;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 6, second half: the analyzers' own execution time as Roslyn's analyzer driver measures it
/// (logAnalyzerExecutionTime), per 1,000 methods, next to the time of the compile it rides on.
/// </summary>
internal static class AnalyzerTime
{
    public static int Run(int runs)
    {
        Console.WriteLine("| methods | analyzer time (min / median / max) | per 1,000 methods (median) | compile without analyzers (median) | share |");
        Console.WriteLine("|---:|---|---:|---:|---:|");
        foreach (int methods in new[] { 100, 1_000, 10_000 })
        {
            var (code, generated) = AnalyzerSetup.Prepare(methods);
            AnalyzerSetup.Analyze(code.Create(generated), logTime: true); // warm-up: JIT
            var analyzer = new List<double>();
            var compile = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                var result = AnalyzerSetup.Analyze(code.Create(generated), logTime: true);
                analyzer.Add(result.AnalyzerTelemetryInfo.Values.Sum(t => t.ExecutionTime.TotalMilliseconds));
                long t0 = Stopwatch.GetTimestamp();
                code.Create(generated).Emit(Stream.Null);
                compile.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            analyzer.Sort(); compile.Sort();
            double a = analyzer[runs / 2], c = compile[runs / 2];
            Console.WriteLine($"| {methods:N0} | {analyzer[0]:0.0} / {a:0.0} / {analyzer[^1]:0.0} ms | {a * 1000 / methods:0.0} ms | {c:0.0} ms | {a / (a + c):P0} |");
        }
        return 0;
    }
}
