using System.Linq;
using System.Text;
using ImageLock.Generators.Models;

namespace ImageLock.Generators;

/// <summary>
/// The hint name of a containing type's output file: the namespace and each containing type joined with '.',
/// type parameters in braces (<c>Ns.Outer{T}.Inner{K,V}.g.cs</c>), nothing before the type in the global namespace.
/// Characters outside ASCII letters, digits, '_', '.', ',', '{' and '}' become <c>_uXXXX</c> (UTF-16 code, hex),
/// so the name is valid for <c>AddSource</c> and still unique: C# type names are unique per namespace, container and arity.
/// </summary>
internal static class HintNames
{
    public static string For(string @namespace, EquatableArray<TypeDeclarationInfo> types)
    {
        var name = new StringBuilder();
        if (@namespace.Length > 0) name.Append(@namespace).Append('.');
        name.Append(string.Join(".", types.Select(t => t.TypeParameters.Count == 0
            ? t.Name
            : t.Name + "{" + string.Join(",", t.TypeParameters) + "}")));
        return Escape(name.ToString().Replace("@", "")) + ".g.cs";
    }

    private static string Escape(string raw)
    {
        var escaped = new StringBuilder(raw.Length);
        foreach (char c in raw)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or ',' or '{' or '}')
                escaped.Append(c);
            else
                escaped.Append("_u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }
}
