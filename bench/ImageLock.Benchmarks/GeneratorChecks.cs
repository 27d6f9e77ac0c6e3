using ImageLock.Generators;
using Microsoft.CodeAnalysis;

namespace ImageLock.Benchmarks;

/// <summary>Guards that make benchmark 5 measure what it claims: the generator really wraps every method, and an
/// unrelated edit really leaves every step cached. A failed guard stops the benchmark instead of timing nonsense.</summary>
internal static class GeneratorChecks
{
    public static void RequireWrappers(GeneratorDriver driver, int methods)
    {
        var result = driver.GetRunResult();
        if (result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            throw new InvalidOperationException($"generator errors: {string.Join("; ", result.Diagnostics)}");
        int wrappers = result.GeneratedTrees.Sum(t => t.GetRoot().DescendantNodes()
            .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Count());
        if (wrappers != methods) throw new InvalidOperationException($"expected {methods} generated wrappers, found {wrappers}");
    }

    public static void RequireAllCached(SyntheticCompilation code, Compilation compilation, SyntaxTree edit)
    {
        var driver = GeneratorBenchmarks.NewDriver(track: true).RunGenerators(compilation)
            .RunGenerators(compilation.ReplaceSyntaxTree(code.Unrelated, edit));
        var steps = driver.GetRunResult().Results[0].TrackedSteps;
        // Cached: not run again. Unchanged: run again (the transform re-binds every annotated method on a new
        // compilation), producing a model equal to the last one, so nothing downstream runs.
        foreach (string step in new[] { StepNames.Transform, StepNames.Wrappers, StepNames.AllWrappers, StepNames.Types })
        {
            var reasons = (steps.TryGetValue(step, out var stepRuns) ? stepRuns : []).SelectMany(r => r.Outputs)
                .GroupBy(o => o.Reason).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
            Console.WriteLine($"// after an unrelated edit, {step}: {string.Join(", ", reasons)}");
        }
        string[] names = [StepNames.Wrappers, StepNames.AllWrappers, StepNames.Types];
        var notCached = names.SelectMany(n => steps.TryGetValue(n, out var runs) ? runs : [])
            .SelectMany(run => run.Outputs)
            .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .ToList();
        if (notCached.Count > 0)
            throw new InvalidOperationException($"{notCached.Count} step outputs re-ran after an unrelated edit");
        Console.WriteLine($"// incremental check: {names.Sum(n => steps.TryGetValue(n, out var r) ? r.Length : 0)} tracked step runs, all cached or unchanged");
    }
}
