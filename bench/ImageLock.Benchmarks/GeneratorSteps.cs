using System.Diagnostics;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 5, second half: the generator's work after an unrelated edit as a share of a cold run, measured side by
/// side (alternating) in one process, with the Cached/Unchanged reasons of every pipeline step after the edit.
/// </summary>
internal static class GeneratorSteps
{
    public static int Run(int runs, int[] sizes)
    {
        var table = new List<string>();
        foreach (int methods in sizes)
        {
            var code = new SyntheticCompilation(methods);
            var compilation = code.Create();
            var warm = GeneratorBenchmarks.NewDriver().RunGenerators(compilation);
            GeneratorChecks.RequireWrappers(warm, methods);
            GeneratorChecks.RequireAllCached(code, compilation, SyntheticCompilation.EditedUnrelated(1));

            var cold = new List<double>();
            var incremental = new List<double>();
            var unrelated = code.Unrelated;
            for (int r = 0; r <= runs; r++) // run 0 warms up the JIT
            {
                var fresh = code.CreateFromNewTrees(); // a real cold run: no tree seen before
                long t0 = Stopwatch.GetTimestamp();
                GeneratorBenchmarks.NewDriver().RunGenerators(fresh);
                double c = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

                var edit = SyntheticCompilation.EditedUnrelated(r + 2);
                var edited = compilation.ReplaceSyntaxTree(unrelated, edit);
                unrelated = edit;
                t0 = Stopwatch.GetTimestamp();
                warm = warm.RunGenerators(edited);
                double i = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                compilation = edited;
                if (r > 0) { cold.Add(c); incremental.Add(i); }
            }
            cold.Sort(); incremental.Sort();
            double cm = cold[runs / 2], im = incremental[runs / 2];
            table.Add($"| {methods:N0} | {cold[0]:0.0} / {cm:0.0} / {cold[^1]:0.0} ms | {incremental[0]:0.0} / {im:0.0} / {incremental[^1]:0.0} ms | {im / cm:P1} |");
        }
        Console.WriteLine("| methods | generator, cold (min / median / max) | after an unrelated edit | share of cold |");
        Console.WriteLine("|---:|---|---|---:|");
        foreach (var line in table) Console.WriteLine(line);
        return 0;
    }
}
