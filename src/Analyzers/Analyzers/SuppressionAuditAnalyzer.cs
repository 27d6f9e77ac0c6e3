using System.Collections.Immutable;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0009: IMGL0001 is NotConfigurable, which stops #pragma, NoWarn and .editorconfig but not [SuppressMessage]
/// (or [UnconditionalSuppressMessage], which the compiler honours too). Every such attribute is reported.
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
            var types = SuppressionAttributes.Select(start.Compilation.GetTypeByMetadataName).Where(t => t is not null).ToImmutableArray();
            if (types.IsEmpty) return;
            start.RegisterSyntaxNodeAction(c => Analyze(c, types!), SyntaxKind.Attribute);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, ImmutableArray<INamedTypeSymbol?> types)
    {
        var attribute = (AttributeSyntax)context.Node;
        if (attribute.ArgumentList is not { Arguments.Count: >= 2 } arguments) return;
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
