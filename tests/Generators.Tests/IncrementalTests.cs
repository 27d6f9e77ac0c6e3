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

    [Fact]
    public void UnrelatedEditInTheSameFileLeavesTheModelUnchangedAndProducesNoNewOutput()
    {
        var (first, second) = RunTwice(source => source.Replace("private int _unrelated;", "private int _unrelated; private string _more = \"x\";"));

        // Alpha's tree changed, so its transform re-ran; the model it produced equals the old one...
        Assert.Contains(("Scan", IncrementalStepRunReason.Unchanged), Reasons(second, StepNames.Transform));
        Assert.DoesNotContain(Reasons(second, StepNames.Transform),
            r => r.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);
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
