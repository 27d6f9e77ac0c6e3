using ImageLock.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageLock.Generators.Tests;

/// <summary>
/// The pipeline caches what did not change: a driver with step tracking is run twice and the second run's
/// step reasons are asserted (pattern of the runtime's LoggerMessageGeneratorIncrementalTests).
/// </summary>
public class IncrementalTests
{
    private const string Alpha = """
        using ImageLock;
        namespace App;
        public partial class Alpha
        {
            private int _unrelated;

            [RequiresImageAccess(Perm.Read)]
            public void Scan(ImageAccess image) { _unrelated++; }
        }
        """;

    private const string Beta = """
        using ImageLock;
        namespace App;
        public partial class Beta
        {
            [RequiresImageAccess(Perm.Write)]
            public void Patch(ImageAccess image) { }
        }
        """;

    /// <summary>Runs once on Alpha+Beta, then again after <paramref name="edit"/> rewrites Alpha's file.</summary>
    private static (GeneratorRunResult First, GeneratorRunResult Second) RunTwice(Func<string, string> edit)
    {
        var compilation = GeneratorHarness.Compile(Alpha, Beta);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();

        var alphaTree = compilation.SyntaxTrees.First();
        string edited = edit(Alpha);
        var next = edited == Alpha
            ? compilation
            : compilation.ReplaceSyntaxTree(alphaTree, CSharpSyntaxTree.ParseText(edited, GeneratorHarness.ParseOptions, alphaTree.FilePath));
        driver = driver.RunGenerators(next);
        return (first, driver.GetRunResult().Results.Single());
    }

    /// <summary>The reason of every output of a tracked step in a run, with the hint name of type outputs.</summary>
    private static (string Item, IncrementalStepRunReason Reason)[] Reasons(GeneratorRunResult run, string step) =>
        run.TrackedSteps[step]
            .SelectMany(s => s.Outputs)
            .Select(o => (o.Value switch
            {
                Models.TypeModel type => type.Hierarchy.HintName,
                Models.WrapperModel wrapper => wrapper.Name,
                Models.FileModel file => file.Path,
                _ => o.Value?.GetType().Name ?? "null",
            }, o.Reason))
            .ToArray();

    /// <summary>How many type outputs had their source written again (New or Modified) in a run.</summary>
    private static int SourceOutputsRun(GeneratorRunResult run) =>
        run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs)
            .Count(o => o.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);

    private static string Text(GeneratorRunResult run, string hintName) =>
        run.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    [Fact]
    public void RerunWithoutChangesIsCachedThroughout()
    {
        var (_, second) = RunTwice(source => source);

        Assert.All(Reasons(second, StepNames.Wrappers), r => Assert.Equal(IncrementalStepRunReason.Cached, r.Reason));
        Assert.All(Reasons(second, StepNames.AllWrappers), r => Assert.Equal(IncrementalStepRunReason.Cached, r.Reason));
        Assert.Equal(
            [("App.Alpha.g.cs", IncrementalStepRunReason.Cached), ("App.Beta.g.cs", IncrementalStepRunReason.Cached)],
            Reasons(second, StepNames.Types));
    }

    /// <summary>Every tracked step of a run and the reasons of its outputs, e.g. "ImageLock.Transform: Cached".</summary>
    private static string[] StepReasons(GeneratorRunResult run) =>
        [.. new[] { StepNames.Declarations, StepNames.Transform, StepNames.Wrappers, StepNames.AllWrappers, StepNames.Types }
            .Select(step => $"{step}: " + string.Join(", ", run.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).Distinct()))];

    [Theory]
    [InlineData("_unrelated++;", "_unrelated += 2;")] // inside a body of the same file
    [InlineData("{ _unrelated++; }", "{ _unrelated++; // a comment\n    }")]
    public void EditInsideABodyRunsNoSemanticStep(string before, string after)
    {
        var (first, second) = RunTwice(source => source.Replace(before, after));

        // The declarations are computed again and are equal; the semantic transform and everything after it did not run.
        Assert.Equal(
        [
            $"{StepNames.Declarations}: Unchanged",
            $"{StepNames.Transform}: Cached",
            $"{StepNames.Wrappers}: Cached",
            $"{StepNames.AllWrappers}: Cached",
            $"{StepNames.Types}: Cached",
        ], StepReasons(second));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Equal(Text(first, "App.Alpha.g.cs"), Text(second, "App.Alpha.g.cs"));
    }

    [Fact]
    public void EditOfAnUnrelatedFileRunsNoSemanticStep()
    {
        var compilation = GeneratorHarness.Compile(Alpha, Beta, "namespace App; public static class Other { public static int Answer() => 42; }");
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var other = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText(
            other.ToString().Replace("42", "43"), GeneratorHarness.ParseOptions, other.FilePath));

        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Equal($"{StepNames.Declarations}: Unchanged", StepReasons(second)[0]);
        Assert.All(StepReasons(second).Skip(1), r => Assert.EndsWith(": Cached", r));
    }

    [Fact]
    public void YieldAddedInsideABodyRemovesTheWrapper()
    {
        // An iterator is not wrapped, so a body edit that adds yield must reach the semantic transform.
        const string Before = "public System.Collections.Generic.IEnumerable<int> Scan(ImageAccess image) { return [1]; }";
        var compilation = GeneratorHarness.Compile(Alpha.Replace("public void Scan(ImageAccess image) { _unrelated++; }", Before), Beta);
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.First();
        var iterator = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(
            tree.ToString().Replace("{ return [1]; }", "{ yield return 1; }"), GeneratorHarness.ParseOptions, tree.FilePath));

        var first = driver.GetRunResult().Results.Single();
        var second = driver.RunGenerators(iterator).GetRunResult().Results.Single();

        Assert.Contains("Scan(string imagePath)", Text(first, "App.Alpha.g.cs"));
        Assert.DoesNotContain(second.GeneratedSources, s => s.HintName == "App.Alpha.g.cs");
        Assert.Contains(second.GeneratedSources, s => s.HintName == "App.Beta.g.cs");
    }

    [Fact]
    public void ConstantEditInAnotherFileReachesTheWrapper()
    {
        // The default value lives in another file: the wrapper depends on declarations outside its own.
        const string Gamma = """
            using ImageLock;
            namespace App;
            public partial class Gamma
            {
                [RequiresImageAccess(Perm.Read)]
                public void Look(ImageAccess image, int depth = Limits.Depth) { }
            }
            """;
        var compilation = GeneratorHarness.Compile(Gamma, "namespace App; public static class Limits { public const int Depth = 3; }");
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(compilation);
        var limits = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(limits, CSharpSyntaxTree.ParseText(
            limits.ToString().Replace("Depth = 3", "Depth = 4"), GeneratorHarness.ParseOptions, limits.FilePath));

        var first = driver.GetRunResult().Results.Single();
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains("int depth = 3", Text(first, "App.Gamma.g.cs"));
        Assert.Contains("int depth = 4", Text(second, "App.Gamma.g.cs"));
        Assert.Equal([("User0.cs", IncrementalStepRunReason.Modified)], Reasons(second, StepNames.Transform));
    }

    [Fact]
    public void UnrelatedDeclarationInTheSameFileLeavesTheModelUnchangedAndProducesNoNewOutput()
    {
        var (first, second) = RunTwice(source => source.Replace("private int _unrelated;", "private int _unrelated; private string _more = \"x\";"));

        // A declaration changed, so the semantic transform re-ran; every file's models equal the old ones...
        Assert.Equal([("User0.cs", IncrementalStepRunReason.Unchanged), ("User1.cs", IncrementalStepRunReason.Unchanged)],
            Reasons(second, StepNames.Transform));
        // ...so nothing downstream runs again and no source is produced anew.
        Assert.All(Reasons(second, StepNames.Wrappers), r => Assert.Equal(IncrementalStepRunReason.Cached, r.Reason));
        Assert.All(Reasons(second, StepNames.Types), r => Assert.Equal(IncrementalStepRunReason.Cached, r.Reason));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Equal(Text(first, "App.Alpha.g.cs"), Text(second, "App.Alpha.g.cs"));
    }

    [Fact]
    public void AddingAMethodChangesOnlyThatTypesOutput()
    {
        var (first, second) = RunTwice(source => source.Replace(
            "public void Scan(ImageAccess image) { _unrelated++; }",
            "public void Scan(ImageAccess image) { _unrelated++; }\n\n    [RequiresImageAccess(Perm.Read)]\n    public int Count(ImageAccess image) => 1;"));

        Assert.Contains(("Count", IncrementalStepRunReason.New), Reasons(second, StepNames.Wrappers));
        // The collected list changed, so every type is split out again; Beta's model is equal to before (Unchanged)
        // and its source output is not run again.
        Assert.Equal(
            [("App.Alpha.g.cs", IncrementalStepRunReason.Modified), ("App.Beta.g.cs", IncrementalStepRunReason.Unchanged)],
            Reasons(second, StepNames.Types));
        Assert.Equal(1, SourceOutputsRun(second));
        Assert.DoesNotContain("Count(string imagePath)", Text(first, "App.Alpha.g.cs"));
        Assert.Contains("public int Count(string imagePath)", Text(second, "App.Alpha.g.cs"));
        Assert.Equal(Text(first, "App.Beta.g.cs"), Text(second, "App.Beta.g.cs"));
    }

    [Fact]
    public void AddingAnAnnotatedTypeAddsOnlyItsOutput()
    {
        var (_, second) = RunTwice(source => source + "\npublic partial class Gamma { [RequiresImageAccess(Perm.Read)] public void Look(ImageAccess image) { } }\n");

        Assert.Equal(
            [("App.Alpha.g.cs", IncrementalStepRunReason.Unchanged), ("App.Beta.g.cs", IncrementalStepRunReason.Unchanged), ("App.Gamma.g.cs", IncrementalStepRunReason.New)],
            Reasons(second, StepNames.Types));
        Assert.Equal(1, SourceOutputsRun(second));
    }

    [Fact]
    public void ChangingTheGrantModifiesTheModelAndTheOutput()
    {
        var (first, second) = RunTwice(source => source.Replace("[RequiresImageAccess(Perm.Read)]", "[RequiresImageAccess(Perm.Read, Unshare.Write)]"));

        Assert.Equal([("Scan", IncrementalStepRunReason.Modified)],
            Reasons(second, StepNames.Wrappers).Where(r => r.Item == "Scan"));
        Assert.Contains(("App.Alpha.g.cs", IncrementalStepRunReason.Modified), Reasons(second, StepNames.Types));
        Assert.Contains(("App.Beta.g.cs", IncrementalStepRunReason.Unchanged), Reasons(second, StepNames.Types));
        Assert.Equal(1, SourceOutputsRun(second));
        Assert.Contains("global::ImageLock.Unshare.None", Text(first, "App.Alpha.g.cs"));
        Assert.Contains("global::ImageLock.Unshare.Write", Text(second, "App.Alpha.g.cs"));
    }
}
