using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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
        // The transform is the only place that sees symbols; it returns value-equal models or null.
        var wrappers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.RequiresImageAccessAttribute,
                static (node, _) => node is MethodDeclarationSyntax,
                static (ctx, ct) => Parser.TryCreate(ctx, ct))
            .WithTrackingName(StepNames.Transform)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(StepNames.Wrappers);

        // One file per containing type: collect, then split again by type so unchanged types stay cached.
        var types = wrappers
            .Collect()
            .WithTrackingName(StepNames.AllWrappers)
            .SelectMany(static (all, _) => Grouping.ByContainingType(all))
            .WithTrackingName(StepNames.Types);

        context.RegisterSourceOutput(types, static (spc, type) => spc.AddSource(type.Hierarchy.HintName, Emitter.Emit(type)));
    }
}
