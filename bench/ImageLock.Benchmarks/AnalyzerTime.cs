using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

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
        Console.WriteLine("| methods | analyzer time (min / median / max) | per 1,000 methods (median) | compile without analyzers (median) | share | compile with analyzers, wall (median) | wall share | compile with an empty analyzer, wall (median) | its wall share |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int methods in sizes)
        {
            var (code, generated) = AnalyzerSetup.Prepare(methods);
            AnalyzerSetup.Analyze(code.Create(generated), logTime: true); // warm-up: JIT
            code.Create(generated).Emit(Stream.Null);
            var analyzer = new List<double>();
            var compile = new List<double>();
            var wall = new List<double>();
            var empty = new List<double>();
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

                // The driver's own cost: the same run with one analyzer whose operation action does nothing.
                compilation = code.Create(generated);
                t0 = Stopwatch.GetTimestamp();
                AnalyzerSetup.Analyze(compilation, logTime: false, ImmutableArray.Create<DiagnosticAnalyzer>(new EmptyOperationAnalyzer()));
                compilation.Emit(Stream.Null);
                empty.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            analyzer.Sort(); compile.Sort(); wall.Sort(); empty.Sort();
            double m = analyzer[runs / 2], c = compile[runs / 2], e = empty[runs / 2];
            Console.WriteLine($"| {methods:N0} | {analyzer[0]:0.0} / {m:0.0} / {analyzer[^1]:0.0} ms | {m * 1000 / methods:0.0} ms | {c:0.0} ms | {m / (m + c):P1} | {wall[runs / 2]:0.0} ms | {(wall[runs / 2] - c) / wall[runs / 2]:P1} | {e:0.0} ms | {(e - c) / e:P1} |");
            perAnalyzer.Add($"| {methods:N0} | " + string.Join(" | ", each.OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => { e.Value.Sort(); return $"{e.Key} {e.Value[runs / 2]:0.0} ms"; })) + " |");
        }
        Console.WriteLine();
        Console.WriteLine("Median per analyzer:");
        foreach (var line in perAnalyzer) Console.WriteLine(line);
        return 0;
    }
}

/// <summary>Does nothing, on every invocation: what remains of a compile with it is the analyzer driver's own work
/// (semantic models for every body, operation trees), which any analyzer with operation actions pays.</summary>
#pragma warning disable RS1001, RS1036, RS2008 // a probe run only in this process through CompilationWithAnalyzers, never shipped
internal sealed class EmptyOperationAnalyzer : DiagnosticAnalyzer
{
    private static readonly DiagnosticDescriptor Never = new("BENCH0001", "never reported", "never reported", "Bench", DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [Never];

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(_ => { }, OperationKind.Invocation);
    }
}
#pragma warning restore RS1001, RS1036, RS2008
