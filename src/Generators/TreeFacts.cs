using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Generators;

/// <summary>
/// What the generator reads from one syntax tree without a semantic model, computed once per tree object (trees are
/// immutable and an unchanged file keeps its tree across compilations).
/// </summary>
internal sealed class TreeFacts
{
    private static readonly ConditionalWeakTable<SyntaxTree, TreeFacts> Cache = new();

    private TreeFacts(TreeDeclarations declarations, ImmutableArray<Candidate> candidates, ImmutableArray<string> aliases)
    {
        Declarations = declarations;
        Candidates = candidates;
        Aliases = aliases;
    }

    /// <summary>The file's declarations, for <see cref="Generators.Declarations"/>.</summary>
    public TreeDeclarations Declarations { get; }

    /// <summary>Methods with at least one attribute, with the attributes' simple names.</summary>
    public ImmutableArray<Candidate> Candidates { get; }

    /// <summary>Names of the file's using aliases: an attribute may be spelled through one.</summary>
    public ImmutableArray<string> Aliases { get; }

    public static TreeFacts Of(SyntaxTree tree, CancellationToken cancellationToken) =>
        Cache.GetValue(tree, t => Compute(t, cancellationToken));

    private static TreeFacts Compute(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = tree.GetRoot(cancellationToken);
        var text = new StringBuilder();
        AppendDeclarations(root, text, inBody: false, scanYield: false, cancellationToken);

        var candidates = root
            .DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax)
            .OfType<MethodDeclarationSyntax>()
            .Where(m => m.AttributeLists.Count > 0)
            .Select(m => new Candidate(m, m.AttributeLists.SelectMany(l => l.Attributes).Select(a => SimpleName(a.Name)).ToImmutableArray()))
            .ToImmutableArray();
        var aliases = root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<UsingDirectiveSyntax>()
            .Where(u => u.Alias is not null)
            .Select(u => u.Alias!.Name.Identifier.ValueText)
            .ToImmutableArray();

        string languageVersion = tree.Options is CSharpParseOptions options ? options.LanguageVersion.ToString() : "";
        return new TreeFacts(new TreeDeclarations(tree.FilePath, languageVersion, text.ToString()), candidates, aliases);
    }

    /// <summary>
    /// Appends every token outside bodies (blocks, expression bodies, top-level statements), whitespace and comments
    /// left out. Inside a body only two things can change what the generator writes: a directive (<c>#nullable</c>
    /// applies to the declarations after it) and <c>yield</c> in an attributed or partial method (an iterator is not
    /// wrapped); a body is walked only when it may hold one.
    /// </summary>
    private static void AppendDeclarations(SyntaxNode node, StringBuilder text, bool inBody, bool scanYield, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (node is MethodDeclarationSyntax method)
            scanYield = method.AttributeLists.Count > 0 || method.Modifiers.Any(SyntaxKind.PartialKeyword);
        foreach (var child in node.ChildNodesAndTokens())
        {
            if (child.AsNode() is { } childNode)
            {
                bool body = inBody || childNode is BlockSyntax or ArrowExpressionClauseSyntax or GlobalStatementSyntax;
                if (body && !childNode.ContainsDirectives && !scanYield)
                    continue;
                AppendDeclarations(childNode, text, body, scanYield, cancellationToken);
                continue;
            }
            var token = child.AsToken();
            if (!inBody)
                text.Append(token.Text).Append(' ');
            else if (token.IsKind(SyntaxKind.YieldKeyword))
                text.Append("yield ");
            if (token.ContainsDirectives)
                AppendDirectives(token, text);
        }
    }

    private static void AppendDirectives(SyntaxToken token, StringBuilder text)
    {
        foreach (var trivia in token.LeadingTrivia.Concat(token.TrailingTrivia))
        {
            if (trivia.IsDirective)
                text.Append('\n').Append(trivia.ToString()).Append('\n');
        }
    }

    private static string SimpleName(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => SimpleName(qualified.Right),
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => "",
    };
}

/// <summary>A method declaration with attributes, and the simple names those attributes are written with.</summary>
internal sealed record Candidate(MethodDeclarationSyntax Node, ImmutableArray<string> AttributeNames);

/// <summary>The simple names <c>[RequiresImageAccess]</c> can be written with in a compilation.</summary>
internal static class AttributeNames
{
    public static HashSet<string> In(IEnumerable<TreeFacts> trees)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal) { "RequiresImageAccess", "RequiresImageAccessAttribute" };
        foreach (var tree in trees) names.UnionWith(tree.Aliases);
        return names;
    }
}
