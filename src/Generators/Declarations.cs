using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using ImageLock.Generators.Models;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators;

/// <summary>
/// Everything a wrapper can depend on outside its own method body: the declarations of every file (see
/// <see cref="TreeFacts"/>), the references and the options. Computing it is cheap on every edit (one cached text
/// per unchanged file); the semantic transform runs only when it changes, so an edit inside a body costs nothing.
/// </summary>
/// <param name="Trees">One declaration text per file, in compilation order.</param>
/// <param name="References">The compilation's references, compared by identity.</param>
/// <param name="Options">Compilation options (nullable context, unsafe code…), compared by value.</param>
/// <param name="AssemblyName">Decides which inherited internal members are accessible.</param>
internal sealed record Declarations(
    EquatableArray<TreeDeclarations> Trees,
    EquatableArray<ReferenceIdentity> References,
    CompilationOptions Options,
    string? AssemblyName)
{
    public static Declarations Of(Compilation compilation, CancellationToken cancellationToken) => new(
        compilation.SyntaxTrees.Select(t => TreeFacts.Of(t, cancellationToken).Declarations).ToEquatableArray(),
        compilation.References.Select(r => new ReferenceIdentity(r)).ToEquatableArray(),
        compilation.Options,
        compilation.AssemblyName);
}

/// <summary>One file's declarations as text: its path, language version and every token outside method bodies,
/// plus each preprocessor directive and each <c>yield</c> found inside bodies that can matter.</summary>
internal sealed record TreeDeclarations(string Path, string LanguageVersion, string Text);

/// <summary>A reference compared by identity: hosts reuse the object while the referenced file is unchanged.</summary>
internal readonly struct ReferenceIdentity : System.IEquatable<ReferenceIdentity>
{
    private readonly MetadataReference _reference;

    public ReferenceIdentity(MetadataReference reference) => _reference = reference;

    public bool Equals(ReferenceIdentity other) => ReferenceEquals(_reference, other._reference);

    public override bool Equals(object? obj) => obj is ReferenceIdentity other && Equals(other);

    public override int GetHashCode() => RuntimeHelpers.GetHashCode(_reference);
}
