using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Analyzers.CodeFixes;

/// <summary>
/// IMGL0001: add the missing permission to the method's [RequiresImageAccess].
/// IMGL0002: widen the caller's grant to cover the callee.
/// The analyzer passes the attribute as the diagnostic's additional location and the missing bits as properties.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GrantPermissionFix)), Shared]
public sealed class GrantPermissionFix : CodeFixProvider
{
    /// <summary>One equivalence key for both IDs, so Fix All (and <c>dotnet format analyzers --diagnostics IMGL0001 IMGL0002</c>) fixes both at once.</summary>
    public const string WidenGrantKey = "ImageLock.WidenGrant";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.OperationNotGranted, DiagnosticIds.CalleeNeedsMore);

    public override FixAllProvider GetFixAllProvider() => WidenGrantsFixAll.Instance;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.AdditionalLocations.Count == 0) continue;
            int perm = Read(diagnostic, DiagnosticProperties.MissingPerm);
            int unshare = Read(diagnostic, DiagnosticProperties.MissingUnshare);
            if (perm == 0 && unshare == 0) continue;

            bool widen = diagnostic.Id == DiagnosticIds.CalleeNeedsMore;
            string title = widen
                ? $"Widen the grant with {Describe(perm, unshare)}"
                : $"Add {GrantText.Flags("Perm", perm)} to [RequiresImageAccess]";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => ApplyAsync(context.Document, diagnostic.AdditionalLocations[0], perm, unshare, ct),
                    WidenGrantKey),
                diagnostic);
        }
        return Task.CompletedTask;
    }

    // The attribute may sit in another file than the use (partial types), so the change is solution-wide.
    private static async Task<Solution> ApplyAsync(Document document, Location attributeLocation, int perm, int unshare, CancellationToken ct)
    {
        var solution = document.Project.Solution;
        if (document.Project.GetDocument(attributeLocation.SourceTree) is not { } target) return solution;
        var root = await target.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var model = await target.GetSemanticModelAsync(ct).ConfigureAwait(false);
        if (root is null || model is null) return solution;
        if (root.FindNode(attributeLocation.SourceSpan) is not AttributeSyntax attribute) return solution;
        return solution.WithDocumentSyntaxRoot(target.Id, root.ReplaceNode(attribute, AttributeArguments.Widen(attribute, model, perm, unshare)));
    }

    private static string Describe(int perm, int unshare) =>
        perm == 0 ? GrantText.Flags("Unshare", unshare)
        : unshare == 0 ? GrantText.Flags("Perm", perm)
        : GrantText.Describe(perm, unshare);

    internal static int Read(Diagnostic diagnostic, string key) =>
        diagnostic.Properties.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : 0;
}
