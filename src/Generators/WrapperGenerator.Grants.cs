using System.Collections.Generic;
using System.Linq;
using ImageLock.Generators.Models;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>Reads the grant and wait policy from the attribute's constructor and named arguments.</summary>
    internal static class Grants
    {
        /// <summary>Null when an argument does not bind or the wait is out of range (the compiler or analyzer reports it).</summary>
        public static GrantModel? TryRead(AttributeData attribute)
        {
            var args = attribute.ConstructorArguments;
            if (args.Length is < 1 or > 2 || args.Any(a => a.Kind != TypedConstantKind.Enum))
                return null;
            string? perm = Flags(args[0]);
            // The unshare argument has a default; a compiler-filled default still arrives as a constructor argument.
            string? unshare = args.Length == 2 ? Flags(args[1]) : "global::ImageLock.Unshare.None";
            if (perm is null || unshare is null)
                return null;

            int wait = 0;
            bool chain = false;
            foreach (var named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "WaitMilliseconds" when named.Value.Value is int ms:
                        wait = ms;
                        break;
                    case "LockBackingChain" when named.Value.Value is bool b:
                        chain = b;
                        break;
                }
            }
            return wait < -1 ? null : new GrantModel(perm, unshare, wait, chain);
        }

        /// <summary>Renders a flags value with the enum's own member names: an exact member if there is one,
        /// else the single-bit members that make it up; a cast if bits are left over.</summary>
        private static string? Flags(TypedConstant constant)
        {
            if (constant.Type is not INamedTypeSymbol { TypeKind: TypeKind.Enum } type || constant.Value is null)
                return null;
            string typeName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            long value = System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
            var members = type.GetMembers().OfType<IFieldSymbol>()
                .Where(f => f.HasConstantValue)
                .Select(f => (f.Name, Value: System.Convert.ToInt64(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();

            var exact = members.FirstOrDefault(m => m.Value == value);
            if (exact.Name is not null)
                return typeName + "." + exact.Name;

            var parts = new List<string>();
            long rest = value;
            foreach (var member in members.Where(m => m.Value != 0 && (m.Value & (m.Value - 1)) == 0).OrderBy(m => m.Value))
            {
                if ((rest & member.Value) == 0) continue;
                parts.Add(typeName + "." + member.Name);
                rest &= ~member.Value;
            }
            if (rest != 0 || parts.Count == 0)
                return "(" + typeName + ")" + value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return string.Join(" | ", parts);
        }
    }
}
