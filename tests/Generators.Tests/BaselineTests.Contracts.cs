namespace ImageLock.Generators.Tests;

/// <summary>Baselines for the parts of a body's contract the wrapper must carry: attributes, nullable context, constraints.</summary>
public partial class BaselineTests
{
    [Fact]
    public void CallerInfoIsTheWrapperCallers() => AssertBaseline("""
        using System.Runtime.CompilerServices;
        using ImageLock;
        namespace Contracts;
        public partial class Traced
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public string Where(
                ImageAccess image,
                string label,
                [CallerArgumentExpression(nameof(label))] string labelText = "",
                [CallerArgumentExpression(nameof(image))] string imageText = "",
                [CallerMemberName] string member = "",
                [CallerFilePath] string file = "",
                [CallerLineNumber] int line = 0)
                => member + ":" + line;
        }
        """);

    [Fact]
    public void NullableFlowAttributes() => AssertBaseline("""
        using System.Diagnostics.CodeAnalysis;
        using ImageLock;
        namespace Contracts;
        public partial class Flow
        {
            private string? _header;

            public string? Header => _header;

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public bool TryRead(ImageAccess image, [NotNullWhen(true)] out string? value, [MaybeNullWhen(false)] out string other)
            {
                value = other = "x";
                return true;
            }

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [return: NotNullIfNotNull(nameof(fallback))]
            public string? OrDefault(ImageAccess image, string? fallback) => fallback;

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [MemberNotNull(nameof(_header))]
            public void Load(ImageAccess image) => _header = "h";

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [MemberNotNullWhen(true, nameof(_header))]
            public bool TryLoad(ImageAccess image) => (_header = "h") is not null;

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [DoesNotReturn]
            public void Fail(ImageAccess image, [DisallowNull] string? reason) => throw new System.InvalidOperationException(reason);

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [return: MaybeNull]
            public T Find<T>(ImageAccess image, [AllowNull] T seed, [StringSyntax(StringSyntaxAttribute.Regex)] string pattern) => default;

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public void Check(ImageAccess image, [DoesNotReturnIf(false)] bool condition, [NotNull] ref string? text) => text ??= "";
        }
        """);

    [Fact]
    public void ObsoleteAndVisibilityAttributes() => AssertBaseline("""
        using System;
        using System.ComponentModel;
        using System.Runtime.Versioning;
        using ImageLock;
        namespace Contracts;
        public partial class Legacy
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [Obsolete("Use Scan instead.")]
            public void OldScan(ImageAccess image) { }

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [Obsolete("Gone.", error: true, DiagnosticId = "LEGACY01", UrlFormat = "https://example.invalid/{0}")]
            public void Removed(ImageAccess image) { }

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [EditorBrowsable(EditorBrowsableState.Never)]
            [SupportedOSPlatform("linux")]
            [System.Diagnostics.CodeAnalysis.Experimental("LEGACY02")]
            [System.Diagnostics.CodeAnalysis.RequiresUnreferencedCode("Reflects over the image format.")]
            [System.Diagnostics.DebuggerStepThrough] // not part of the contract: stays on the body
            public void Hidden(ImageAccess image) { }
        }
        """);

    [Fact]
    public void NullableDisabledBodies() => AssertBaseline("""
        using ImageLock;
        namespace Contracts;
        #nullable disable
        public partial class Oblivious
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public string Name(ImageAccess image, string label, object[] items, string fallback = null) => label;
        #nullable restore

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public string? Annotated(ImageAccess image, string? label) => label;
        }
        """);

    [Fact]
    public void EveryConstraintForm() => AssertBaseline("""
        using System;
        using ImageLock;
        namespace Contracts;
        public partial class Constraints
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public void All<TClass, TNullableClass, TStruct, TUnmanaged, TNotNull, TBase, TNullableBase, TNew, TOther, TRefLike>(
                ImageAccess image, TRefLike value)
                where TClass : class
                where TNullableClass : class?
                where TStruct : struct, IEquatable<TStruct>
                where TUnmanaged : unmanaged
                where TNotNull : notnull
                where TBase : Attribute, IDisposable
                where TNullableBase : IComparable<string>?
                where TNew : class, new()
                where TOther : TBase
                where TRefLike : allows ref struct
            { }
        }
        """);
}
