using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers.Common;

/// <summary>What one [RequiresImageAccess] declares, with the method that declares it.</summary>
internal sealed class Grant
{
    // Bit values of ImageLock.Perm / ImageLock.Unshare (identical layouts).
    public const int Read = 1, Write = 2, WriteUnchanged = 4, Resize = 8, All = 15;

    public Grant(IMethodSymbol method, AttributeData attribute, int perm, int unshare, string? justification)
    {
        Method = method;
        Attribute = attribute;
        Perm = perm;
        Unshare = unshare;
        Justification = justification;
    }

    public IMethodSymbol Method { get; }
    public AttributeData Attribute { get; }
    public int Perm { get; }
    public int Unshare { get; }
    public string? Justification { get; }

    /// <summary>Perm bits this grant lets the body use: Write also allows write-unchanged I/O.</summary>
    public int EffectivePerm => Effective(Perm);

    public static int Effective(int perm) => (perm & Write) != 0 ? perm | WriteUnchanged : perm;

    public static Grant FromAttribute(IMethodSymbol method, AttributeData attribute)
    {
        var args = attribute.ConstructorArguments;
        int perm = args.Length > 0 ? AsInt(args[0]) : 0;
        int unshare = args.Length > 1 ? AsInt(args[1]) : 0;
        string? justification = null;
        foreach (var named in attribute.NamedArguments)
            if (named.Key == "Justification" && named.Value.Value is string text && text.Length > 0) justification = text;
        return new Grant(method, attribute, perm, unshare, justification);
    }

    /// <summary>Message suffix that echoes the declared justification, or empty.</summary>
    public string JustificationSuffix => Justification is null ? "" : $" (justification: {Justification})";

    /// <summary>"Perm.Read, Unshare.Write" — the grant as a reader would write it.</summary>
    public string Describe() => GrantText.Describe(Perm, Unshare);

    public Location? AttributeLocation =>
        Attribute.ApplicationSyntaxReference is { } reference
            ? Location.Create(reference.SyntaxTree, reference.Span)
            : null;

    private static int AsInt(TypedConstant constant) => constant.Value is null ? 0 : Convert.ToInt32(constant.Value);
}
