using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 6: every ImageLock analyzer on the synthetic compilations of benchmark 5 (user code plus the generated
/// wrappers, as a real build sees it). Baseline: the same compilation emitted without analyzers; the ratio is the
/// share analyzers add to compile time. Pure analyzer execution time per 1,000 methods: --analyzer-time.
/// </summary>
[Config(typeof(BenchConfig))]
public class AnalyzerBenchmarks
{
    private SyntheticCompilation _code = null!;
    private SyntaxTree[] _generated = null!;

    [ParamsSource(nameof(Sizes))]
    public int Methods { get; set; }

    public static IEnumerable<int> Sizes => Smoke.Sizes([100, 1_000, 10_000]);

    [GlobalSetup]
    public void Setup()
    {
        (_code, _generated) = AnalyzerSetup.Prepare(Methods);
        var diagnostics = AnalyzerSetup.Analyze(_code.Create(_generated), logTime: false).GetAllDiagnostics();
        Console.WriteLine($"// analyzers: {AnalyzerSetup.Analyzers.Length}, diagnostics on the synthetic code: {diagnostics.Length}");
    }

    [Benchmark(Baseline = true, Description = "Compile without analyzers")]
    public bool CompileOnly() => _code.Create(_generated).Emit(Stream.Null).Success;

    [Benchmark(Description = "Compile with ImageLock analyzers")]
    public bool CompileWithAnalyzers()
    {
        var compilation = _code.Create(_generated);
        AnalyzerSetup.Analyze(compilation, logTime: false);
        return compilation.Emit(Stream.Null).Success;
    }
}

internal static class AnalyzerSetup
{
    /// <summary>Every [DiagnosticAnalyzer] in ImageLock.Analyzers, so new rules are measured without editing this file.</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = [.. typeof(ImageLock.Analyzers.ShapeAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t)
            && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
        .OrderBy(t => t.Name)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)];

    public static (SyntheticCompilation Code, SyntaxTree[] Generated) Prepare(int methods)
    {
        var code = new SyntheticCompilation(methods);
        var compilation = code.Create();
        GeneratorBenchmarks.NewDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0) throw new InvalidOperationException($"synthetic code does not compile: {errors[0]}");
        return (code, [.. output.SyntaxTrees.Except(compilation.SyntaxTrees)]);
    }

    public static AnalysisResult Analyze(Compilation compilation, bool logTime, ImmutableArray<DiagnosticAnalyzer>? analyzers = null)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null,
            concurrentAnalysis: false, logAnalyzerExecutionTime: logTime, reportSuppressedDiagnostics: false);
        return compilation.WithAnalyzers(analyzers ?? Analyzers, options).GetAnalysisResultAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
