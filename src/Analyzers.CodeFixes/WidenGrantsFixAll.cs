using System.Collections.Immutable;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Analyzers.CodeFixes;

/// <summary>
/// Fix All for IMGL0001 and IMGL0002 together, in one pass: every diagnostic in scope names an attribute and the bits
/// it lacks, so the bits are merged per attribute and each attribute is rewritten once (a batch of text edits would
/// drop the second edit of the same attribute, and a per-ID run would fix only the first ID).
/// </summary>
internal sealed class WidenGrantsFixAll : FixAllProvider
{
    public static readonly WidenGrantsFixAll Instance = new();

    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() =>
        new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution };

    public override async Task<CodeAction?> GetFixAsync(FixAllContext context)
    {
        var diagnostics = new List<Diagnostic>();
        switch (context.Scope)
        {
            case FixAllScope.Document when context.Document is { } document:
                diagnostics.AddRange(await context.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
                break;
            case FixAllScope.Project:
                diagnostics.AddRange(await context.GetAllDiagnosticsAsync(context.Project).ConfigureAwait(false));
                break;
            case FixAllScope.Solution:
                foreach (var project in context.Solution.Projects)
                    diagnostics.AddRange(await context.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                break;
        }
        var solution = context.Solution;
        return diagnostics.Count == 0
            ? null
            : CodeAction.Create("Widen every [RequiresImageAccess] to cover its uses", ct => ApplyAsync(solution, diagnostics, ct), GrantPermissionFix.WidenGrantKey);
    }

    private static async Task<Solution> ApplyAsync(Solution solution, List<Diagnostic> diagnostics, CancellationToken ct)
    {
        // Attribute → the union of the bits its diagnostics ask for.
        var wanted = new Dictionary<(SyntaxTree Tree, Microsoft.CodeAnalysis.Text.TextSpan Span), (int Perm, int Unshare)>();
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.AdditionalLocations.Count == 0 || diagnostic.AdditionalLocations[0].SourceTree is not { } tree) continue;
            var key = (tree, diagnostic.AdditionalLocations[0].SourceSpan);
            wanted.TryGetValue(key, out var bits);
            wanted[key] = (bits.Perm | GrantPermissionFix.Read(diagnostic, DiagnosticProperties.MissingPerm),
                bits.Unshare | GrantPermissionFix.Read(diagnostic, DiagnosticProperties.MissingUnshare));
        }

        foreach (var tree in wanted.Keys.Select(k => k.Tree).Distinct())
        {
            if (solution.GetDocument(tree) is not { } document) continue;
            var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(ct).ConfigureAwait(false);
            if (root is null || model is null) continue;
            var attributes = wanted.Where(w => w.Key.Tree == tree)
                .Select(w => (Node: root.FindNode(w.Key.Span) as AttributeSyntax, w.Value))
                .Where(a => a.Node is not null)
                .ToDictionary(a => a.Node!, a => a.Value);
            var rewritten = root.ReplaceNodes(attributes.Keys, (original, _) =>
                AttributeArguments.Widen(original, model, attributes[original].Perm, attributes[original].Unshare));
            solution = solution.WithDocumentSyntaxRoot(document.Id, rewritten);
        }
        return solution;
    }
}
