using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageLock.Generators;

/// <summary>Identifier helpers shared by the parser.</summary>
internal static class Names
{
    /// <summary>Prefixes '@' to identifiers that are C# keywords.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// The first of <paramref name="wanted"/>, <c>wanted2</c>, <c>wanted3</c>, … that is not in <paramref name="taken"/>.
    /// This is the documented rule for the image path parameter (<c>image</c> → <c>imagePath</c>, or
    /// <c>imagePath2</c> when the method already has an <c>imagePath</c>) and for the lease local.
    /// </summary>
    public static string Unique(string wanted, ISet<string> taken)
    {
        if (!taken.Contains(wanted)) return wanted;
        for (int i = 2; ; i++)
        {
            string candidate = wanted + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!taken.Contains(candidate)) return candidate;
        }
    }

    public static string AccessibilityOf(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Public => "public",
        Accessibility.Internal => "internal",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
