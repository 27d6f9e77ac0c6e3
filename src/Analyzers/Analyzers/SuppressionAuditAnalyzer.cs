using System.Collections.Immutable;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0009: every in-source suppression of IMGL0001 — [SuppressMessage], [UnconditionalSuppressMessage] (which the
/// compiler honours too) and <c>#pragma warning disable IMGL0001</c> — is reported for review. Project-wide severity
/// (.editorconfig, NoWarn) is a deliberate choice of the build and is not.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SuppressionAuditAnalyzer : DiagnosticAnalyzer
{
    private static readonly string[] SuppressionAttributes =
    {
        "System.Diagnostics.CodeAnalysis.SuppressMessageAttribute",
        "System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessageAttribute",
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SuppressedCoreRule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            // Without the SDK there is no IMGL0001 to suppress.
            if (start.Compilation.GetTypeByMetadataName("ImageLock.RequiresImageAccessAttribute") is null) return;
            var types = SuppressionAttributes.Select(start.Compilation.GetTypeByMetadataName).Where(t => t is not null).ToImmutableArray();
            // `using Quiet = System.Diagnostics.CodeAnalysis.SuppressMessageAttribute;` (global or not) is rare: only then
            // are attributes of any name bound.
            bool aliases = start.Compilation.SyntaxTrees.Any(t => t.GetRoot(start.CancellationToken) is CompilationUnitSyntax unit && HasAlias(unit.Usings, unit.Members));
            if (!types.IsEmpty) start.RegisterSyntaxNodeAction(c => Analyze(c, types!, aliases), SyntaxKind.Attribute);
            start.RegisterSyntaxTreeAction(AnalyzePragmas);
        });
    }

    private static bool NamesASuppression(AttributeSyntax attribute)
    {
        string name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => "",
        };
        return name.IndexOf("SuppressMessage", StringComparison.Ordinal) >= 0;
    }

    private static bool HasAlias(SyntaxList<UsingDirectiveSyntax> usings, SyntaxList<MemberDeclarationSyntax> members) =>
        usings.Any(u => u.Alias is not null)
        || members.OfType<BaseNamespaceDeclarationSyntax>().Any(n => HasAlias(n.Usings, n.Members));

    private static void AnalyzePragmas(SyntaxTreeAnalysisContext context)
    {
        var root = context.Tree.GetRoot(context.CancellationToken);
        if (!root.ContainsDirectives) return;
        foreach (var trivia in root.DescendantTrivia(n => n.ContainsDirectives, descendIntoTrivia: true))
        {
            if (trivia.GetStructure() is not PragmaWarningDirectiveTriviaSyntax { DisableOrRestoreKeyword.RawKind: (int)SyntaxKind.DisableKeyword } pragma) continue;
            foreach (var code in pragma.ErrorCodes)
                if (code is IdentifierNameSyntax { Identifier.ValueText: var id } && string.Equals(id, DiagnosticIds.OperationNotGranted, StringComparison.OrdinalIgnoreCase))
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SuppressedCoreRule, code.GetLocation(), DiagnosticIds.OperationNotGranted));
        }
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, ImmutableArray<INamedTypeSymbol?> types, bool aliases)
    {
        var attribute = (AttributeSyntax)context.Node;
        if (attribute.ArgumentList is not { Arguments.Count: >= 2 } arguments) return;
        // Binding every attribute is the expensive part; only names that can be a suppression (or an alias) are bound.
        if (!aliases && !NamesASuppression(attribute)) return;
        if (context.SemanticModel.GetSymbolInfo(attribute, context.CancellationToken).Symbol is not IMethodSymbol constructor) return;
        if (!types.Any(t => SymbolEqualityComparer.Default.Equals(t, constructor.ContainingType))) return;

        var checkId = context.SemanticModel.GetConstantValue(arguments.Arguments[1].Expression, context.CancellationToken).Value as string;
        if (checkId is null) return;
        // The compiler matches the ID before an optional ":Title".
        int colon = checkId.IndexOf(':');
        string id = (colon < 0 ? checkId : checkId.Substring(0, colon)).Trim();
        if (!string.Equals(id, DiagnosticIds.OperationNotGranted, StringComparison.OrdinalIgnoreCase)) return;

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SuppressedCoreRule, attribute.GetLocation(), DiagnosticIds.OperationNotGranted));
    }
}
