using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers.Common;

/// <summary>The ImageLock types, resolved once per compilation. Null when the compilation does not reference the SDK.</summary>
internal sealed class KnownSymbols
{
    public const string ImageAccessName = "ImageLock.ImageAccess";
    public const string AttributeName = "ImageLock.RequiresImageAccessAttribute";
    public const string ImageLeaseName = "ImageLock.ImageLease";

    private KnownSymbols(INamedTypeSymbol imageAccess, INamedTypeSymbol attribute, INamedTypeSymbol? imageLease)
    {
        ImageAccess = imageAccess;
        Attribute = attribute;
        ImageLease = imageLease;
    }

    public INamedTypeSymbol ImageAccess { get; }
    public INamedTypeSymbol Attribute { get; }
    public INamedTypeSymbol? ImageLease { get; }

    public static KnownSymbols? TryCreate(Compilation compilation)
    {
        var access = compilation.GetTypeByMetadataName(ImageAccessName);
        var attribute = compilation.GetTypeByMetadataName(AttributeName);
        if (access is null || attribute is null) return null;
        return new KnownSymbols(access, attribute, compilation.GetTypeByMetadataName(ImageLeaseName));
    }

    public bool IsImageAccess(ITypeSymbol? type) => SymbolEqualityComparer.Default.Equals(type, ImageAccess);

    public AttributeData? FindAttribute(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Attribute)) return attribute;
        return null;
    }
}
