using System.Collections.Immutable;
using ImageLock.Analyzers.Common;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>
/// IMGL0003: explains every [RequiresImageAccess] method the generator silently skips. The checks mirror
/// src/Generators (WrapperGenerator.Parser Shapes and Collisions); see ShapeRules for the list.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShapeAnalyzer : ImageLockAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidShape);

    private protected override void Register(CompilationStartAnalysisContext start, KnownSymbols symbols)
    {
        var compilation = start.Compilation;
        var containers = new ContainerCache();
        start.RegisterSymbolAction(c => Analyze(c, symbols, compilation, containers), SymbolKind.Method);
        // Local functions and lambdas have no symbol action; only those with attributes are looked at.
        start.RegisterSyntaxNodeAction(c => AnalyzeNested(c, symbols), SyntaxKind.LocalFunctionStatement, SyntaxKind.ParenthesizedLambdaExpression);
    }

    /// <summary>[RequiresImageAccess] on a local function or lambda would otherwise be accepted and ignored.</summary>
    private static void AnalyzeNested(SyntaxNodeAnalysisContext context, KnownSymbols symbols)
    {
        var (lists, name, location) = context.Node switch
        {
            LocalFunctionStatementSyntax local => (local.AttributeLists, local.Identifier.ValueText, local.Identifier.GetLocation()),
            ParenthesizedLambdaExpressionSyntax lambda => (lambda.AttributeLists, "lambda", lambda.ParameterList.GetLocation()),
            _ => (default, "", Location.None),
        };
        if (lists.Count == 0) return;
        var symbol = context.Node is LocalFunctionStatementSyntax
            ? context.SemanticModel.GetDeclaredSymbol(context.Node, context.CancellationToken)
            : context.SemanticModel.GetSymbolInfo(context.Node, context.CancellationToken).Symbol;
        if (symbol is null || symbols.FindAttribute(symbol) is null) return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.ShapeReason, ShapeReasons.UnsupportedParameter);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidShape, location, properties, name,
            context.Node is LocalFunctionStatementSyntax
                ? "it is a local function; only ordinary methods get a path overload, and the attribute grants nothing here"
                : "it is a lambda; only ordinary methods get a path overload, and the attribute grants nothing here"));
    }

    private static void Analyze(SymbolAnalysisContext context, KnownSymbols symbols, Compilation compilation, ContainerCache containers)
    {
        var method = (IMethodSymbol)context.Symbol;
        if (symbols.FindAttribute(method) is null) return;
        if (ShapeRules.Find(method, symbols, compilation, containers, context.CancellationToken) is not { } problem) return;

        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.ShapeReason, problem.Reason);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidShape, method.Locations[0], properties,
            method.Name, problem.Text));
    }
}
