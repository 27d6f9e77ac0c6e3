using BenchmarkDotNet.Attributes;
using ImageLock.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 5: the wrapper generator on synthetic compilations of 100, 1,000 and 10,000 annotated methods.
/// Baseline: compiling (binding + emitting to a null stream) without the generator. Cold: a new driver on a new
/// compilation, then the emit of the generated compilation. Incremental: a driver that has seen the compilation
/// reruns after an edit of an unrelated file; every pipeline step should be cached (checked in setup).
/// </summary>
[Config(typeof(BenchConfig))]
public class GeneratorBenchmarks
{
    private SyntheticCompilation _code = null!;
    private GeneratorDriver _warm = null!;
    private CSharpCompilation _warmCompilation = null!;
    private readonly SyntaxTree[] _edits = [SyntheticCompilation.EditedUnrelated(1), SyntheticCompilation.EditedUnrelated(2)];
    private int _edit;

    [ParamsSource(nameof(Sizes))]
    public int Methods { get; set; }

    public static IEnumerable<int> Sizes => Smoke.Sizes([100, 1_000, 10_000]);

    [GlobalSetup]
    public void Setup()
    {
        _code = new SyntheticCompilation(Methods);
        _warmCompilation = _code.Create();
        _warm = NewDriver().RunGenerators(_warmCompilation);
        GeneratorChecks.RequireWrappers(_warm, Methods);
        GeneratorChecks.RequireAllCached(_code, _warmCompilation, _edits[0]);
    }

    [Benchmark(Baseline = true, Description = "Compile without generator")]
    public bool CompileOnly() => _code.Create().Emit(Stream.Null).Success;

    [Benchmark(Description = "Compile with generator (cold driver)")]
    public bool CompileWithGenerator()
    {
        NewDriver().RunGeneratorsAndUpdateCompilation(_code.Create(), out var output, out _);
        return output.Emit(Stream.Null).Success;
    }

    [Benchmark(Description = "Generator only, cold")]
    public GeneratorDriver GeneratorCold() => NewDriver().RunGenerators(_code.Create());

    [Benchmark(Description = "Generator only, after unrelated edit")]
    public GeneratorDriver GeneratorIncremental() =>
        _warm.RunGenerators(_warmCompilation.ReplaceSyntaxTree(_code.Unrelated, _edits[_edit++ & 1]));

    internal static GeneratorDriver NewDriver(bool track = false) => NewDriver(new WrapperGenerator(), track);

    internal static GeneratorDriver NewDriver(IIncrementalGenerator generator, bool track = false) =>
        CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], driverOptions:
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));
}
