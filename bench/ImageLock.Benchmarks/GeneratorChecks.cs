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

    public static void RequireAllCached(SyntheticCompilation code, Compilation compilation, SyntaxTree edit) =>
        PrintReasons("this build", code.Methods, code, new WrapperGenerator(), edit, requireCached: true, compilation);

    /// <summary>Prints every tracked step's reasons after an unrelated edit (any generator: its own step names); with
    /// <paramref name="requireCached"/>, fails unless every step after the declarations is Cached.</summary>
    public static void PrintReasons(string name, int methods, SyntheticCompilation code, IIncrementalGenerator generator, SyntaxTree edit,
        bool requireCached, Compilation? compilation = null)
    {
        compilation ??= code.Create();
        var driver = GeneratorBenchmarks.NewDriver(generator, track: true).RunGenerators(compilation)
            .RunGenerators(compilation.ReplaceSyntaxTree(code.Unrelated, edit));
        var steps = driver.GetRunResult().Results[0].TrackedSteps;
        // Unchanged: the step ran again and produced an equal value. Cached: it did not run.
        foreach (string step in steps.Keys.Where(k => k.StartsWith("ImageLock.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            Console.WriteLine($"// {name}, {methods:N0} methods, after an unrelated edit, {step}: {Reasons(steps, step)}");
        if (!requireCached) return;
        // Only the declarations may run again; the semantic transform and everything after it must not.
        string[] after = [StepNames.Transform, StepNames.Wrappers, StepNames.AllWrappers, StepNames.Types];
        var ran = after.SelectMany(n => steps.TryGetValue(n, out var runs) ? runs : [])
            .SelectMany(run => run.Outputs)
            .Where(o => o.Reason is not IncrementalStepRunReason.Cached)
            .ToList();
        if (ran.Count > 0)
            throw new InvalidOperationException($"{ran.Count} step outputs after the declarations ran again after an unrelated edit");
    }

    /// <summary>e.g. "Cached 1000" or "Unchanged 1".</summary>
    public static string Reasons(IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> steps, string step) =>
        string.Join(", ", (steps.TryGetValue(step, out var stepRuns) ? stepRuns : []).SelectMany(r => r.Outputs)
            .GroupBy(o => o.Reason).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
}
