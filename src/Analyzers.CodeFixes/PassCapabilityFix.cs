using System.Collections.Immutable;
using System.Composition;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Analyzers.CodeFixes;

/// <summary>
/// IMGL0005 on a generated path overload: pass the capability the method already holds instead of the path, so the
/// call binds to the annotated body and runs under the current lease (IMGL0002 then checks the grants fit).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PassCapabilityFix)), Shared]
public sealed class PassCapabilityFix : CodeFixProvider
{
    public const string Key = "ImageLock.PassCapability";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ReacquireInsideLease);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            // Calls to ImageLease.Acquire carry no capability name: nothing to pass, no fix.
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Capability, out var name) || name is null) continue;
            if (diagnostic.AdditionalLocations.Count == 0) continue;
            var pathLocation = diagnostic.AdditionalLocations[0];
            context.RegisterCodeFix(
                CodeAction.Create($"Pass '{name}' instead of acquiring again", ct => ApplyAsync(context.Document, pathLocation, name, ct), Key),
                diagnostic);
        }
        return Task.CompletedTask;
    }

    private static async Task<Document> ApplyAsync(Document document, Location pathLocation, string name, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        if (root?.FindNode(pathLocation.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax path) return document;
        var capability = SyntaxFactory.IdentifierName(name).WithTriviaFrom(path);
        return document.WithSyntaxRoot(root.ReplaceNode(path, capability));
    }
}
