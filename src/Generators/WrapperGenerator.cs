using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators;

/// <summary>
/// Writes, for each <c>[RequiresImageAccess]</c> method that takes one <c>ImageAccess</c>, an overload that takes the
/// image path instead, acquires the declared lease, runs the method with the lease's capability and releases it.
/// Shapes it cannot wrap produce no output; the ImageLock analyzers report them.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class WrapperGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Runs on every edit and is cheap: one cached declaration text per unchanged file. An edit inside a method
        // body (most edits) leaves it equal.
        var declarations = context.CompilationProvider
            .Select(static (compilation, ct) => Declarations.Of(compilation, ct))
            .WithTrackingName(StepNames.Declarations);

        // The only place that sees symbols, and it runs only when the declarations changed: the comparer ignores the
        // compilation, so a new compilation with equal declarations is Unchanged here and nothing below runs.
        // (ForAttributeWithMetadataName would re-bind every annotated method on every new compilation.)
        // The price: the table keeps the compilation of the last declaration change alive until the next one.
        var files = declarations
            .Combine(context.CompilationProvider)
            .WithComparer(DeclarationsOnly.Instance)
            .SelectMany(static (input, ct) => Parser.Files(input.Right, ct))
            .WithTrackingName(StepNames.Transform);

        var wrappers = files
            .SelectMany(static (file, _) => file.Wrappers)
            .WithTrackingName(StepNames.Wrappers);

        // One file per containing type: collect, then split again by type so unchanged types stay cached.
        var types = wrappers
            .Collect()
            .WithTrackingName(StepNames.AllWrappers)
            .SelectMany(static (all, _) => Grouping.ByContainingType(all))
            .WithTrackingName(StepNames.Types);

        context.RegisterSourceOutput(types, static (spc, type) => spc.AddSource(type.Hierarchy.HintName, Emitter.Emit(type)));
    }

    /// <summary>Compares the declarations and ignores the compilation they came with.</summary>
    private sealed class DeclarationsOnly : IEqualityComparer<(Declarations Left, Compilation Right)>
    {
        public static readonly DeclarationsOnly Instance = new();

        public bool Equals((Declarations Left, Compilation Right) x, (Declarations Left, Compilation Right) y) => x.Left.Equals(y.Left);

        public int GetHashCode((Declarations Left, Compilation Right) obj) => obj.Left.GetHashCode();
    }
}
