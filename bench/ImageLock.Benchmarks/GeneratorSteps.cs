using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using ImageLock.Generators;
using Microsoft.CodeAnalysis;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 5, second half: the generator's work after an unrelated edit as a share of a cold run, measured side by
/// side (alternating) in one process, with the Cached/Unchanged reasons of every pipeline step after the edit.
/// Given the path of another build of ImageLock.Generators.dll (e.g. an older commit's), that generator runs in the
/// same rounds, alternating with this one, so the two are compared under the same load.
/// </summary>
internal static class GeneratorSteps
{
    private sealed class Contender(string name, IIncrementalGenerator generator)
    {
        public string Name { get; } = name;
        public IIncrementalGenerator Generator { get; } = generator;
        public GeneratorDriver Warm { get; set; } = null!;
        public Compilation Compilation { get; set; } = null!;
        public SyntaxTree Unrelated { get; set; } = null!;
        public List<double> Cold { get; } = [];
        public List<double> Incremental { get; } = [];
    }

    public static int Run(int runs, int[] sizes, string? other = null)
    {
        var table = new List<string>();
        foreach (int methods in sizes)
        {
            var code = new SyntheticCompilation(methods);
            List<Contender> contenders = [new("this build", new WrapperGenerator())];
            if (other is not null) contenders.Add(new($"{Path.GetFileName(Path.GetDirectoryName(other))}", Load(other)));
            foreach (var c in contenders)
            {
                c.Compilation = code.Create();
                c.Unrelated = code.Unrelated;
                c.Warm = GeneratorBenchmarks.NewDriver(c.Generator).RunGenerators(c.Compilation);
                GeneratorChecks.RequireWrappers(c.Warm, methods);
                GeneratorChecks.PrintReasons(c.Name, methods, code, c.Generator, SyntheticCompilation.EditedUnrelated(1),
                    requireCached: c == contenders[0]);
            }

            for (int r = 0; r <= runs; r++) // run 0 warms up the JIT
                for (int k = 0; k < contenders.Count; k++)
                {
                    var c = contenders[(k + r) % contenders.Count]; // alternate which goes first
                    var fresh = code.CreateFromNewTrees(); // a real cold run: no tree seen before
                    long t0 = Stopwatch.GetTimestamp();
                    GeneratorBenchmarks.NewDriver(c.Generator).RunGenerators(fresh);
                    double cold = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;

                    var edit = SyntheticCompilation.EditedUnrelated(r + 2);
                    var edited = c.Compilation.ReplaceSyntaxTree(c.Unrelated, edit);
                    c.Unrelated = edit;
                    t0 = Stopwatch.GetTimestamp();
                    c.Warm = c.Warm.RunGenerators(edited);
                    double incremental = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    c.Compilation = edited;
                    if (r > 0) { c.Cold.Add(cold); c.Incremental.Add(incremental); }
                }
            foreach (var c in contenders)
            {
                c.Cold.Sort(); c.Incremental.Sort();
                double cm = c.Cold[runs / 2], im = c.Incremental[runs / 2];
                table.Add($"| {methods:N0} | {c.Name} | {c.Cold[0]:0.0} / {cm:0.0} / {c.Cold[^1]:0.0} ms | {c.Incremental[0]:0.0} / {im:0.0} / {c.Incremental[^1]:0.0} ms | {im / cm:P1} |");
            }
        }
        Console.WriteLine("| methods | generator | cold (min / median / max) | after an unrelated edit | share of cold |");
        Console.WriteLine("|---:|---|---|---|---:|");
        foreach (var line in table) Console.WriteLine(line);
        return 0;
    }

    /// <summary>The WrapperGenerator of another ImageLock.Generators.dll, in a context of its own (it has the same
    /// assembly name as the one this benchmark references); Roslyn itself comes from the default context.</summary>
    private static IIncrementalGenerator Load(string path)
    {
        var context = new OtherGenerator(Path.GetFullPath(path));
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(path));
        var type = assembly.GetType("ImageLock.Generators.WrapperGenerator", throwOnError: true)!;
        return (IIncrementalGenerator)Activator.CreateInstance(type)!;
    }

    private sealed class OtherGenerator(string path) : AssemblyLoadContext($"generator {path}")
    {
        protected override Assembly? Load(AssemblyName name) => null; // everything but the generator: the default context
    }
}
