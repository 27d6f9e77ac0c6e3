using ImageLock.Analyzers.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Analyzers.CodeFixes;

/// <summary>Rewrites the positional Perm/Unshare arguments of a [RequiresImageAccess], keeping named arguments.</summary>
internal static class AttributeArguments
{
    public static AttributeSyntax Widen(AttributeSyntax attribute, SemanticModel model, int addPerm, int addUnshare)
    {
        var arguments = attribute.ArgumentList?.Arguments ?? default;
        var positional = arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToList();
        var named = arguments.Where(a => a.NameEquals is not null || a.NameColon is not null).ToList();

        int perm = ConstantOf(FindArgument(positional, named, 0, "perm"), model) | addPerm;
        int unshare = ConstantOf(FindArgument(positional, named, 1, "unshare"), model) | addUnshare;

        var list = new List<AttributeArgumentSyntax> { SyntaxFactory.AttributeArgument(Render("Perm", perm, model, attribute.SpanStart)) };
        if (unshare != 0 || positional.Count > 1 || named.Any(a => a.NameColon?.Name.Identifier.Text == "unshare"))
            list.Add(SyntaxFactory.AttributeArgument(Render("Unshare", unshare, model, attribute.SpanStart)));
        list.AddRange(named.Where(a => a.NameColon is null)); // property assignments (Justification = ...) stay as written

        return attribute.WithArgumentList(SyntaxFactory.AttributeArgumentList(SyntaxFactory.SeparatedList(list)));
    }

    private static AttributeArgumentSyntax? FindArgument(List<AttributeArgumentSyntax> positional, List<AttributeArgumentSyntax> named, int index, string name) =>
        named.FirstOrDefault(a => a.NameColon?.Name.Identifier.Text == name) ?? (positional.Count > index ? positional[index] : null);

    private static int ConstantOf(AttributeArgumentSyntax? argument, SemanticModel model) =>
        argument is not null && model.GetConstantValue(argument.Expression).Value is { } value ? Convert.ToInt32(value) : 0;

    // Qualified only as much as the attribute's scope needs; the simplifier would leave `global::` inside `a | b`.
    private static ExpressionSyntax Render(string enumName, int bits, SemanticModel model, int position) =>
        SyntaxFactory.ParseExpression(GrantText.Flags(enumName, bits, Prefix(enumName, model, position)));

    private static string Prefix(string enumName, SemanticModel model, int position)
    {
        if (model.LookupNamespacesAndTypes(position, name: enumName).Any(s => s.ToDisplayString() == "ImageLock." + enumName)) return "";
        if (model.LookupNamespacesAndTypes(position, name: "ImageLock").Any(s => s is INamespaceSymbol ns && ns.ContainingNamespace.IsGlobalNamespace)) return "ImageLock.";
        return "global::ImageLock.";
    }
}
