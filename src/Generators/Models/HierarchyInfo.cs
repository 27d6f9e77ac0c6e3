namespace ImageLock.Generators.Models;

/// <summary>
/// The chain of types that contain a wrapped method, outermost first, so the emitter can re-open each one as a
/// <c>partial</c> declaration. <see cref="HintName"/> names the one output file of the innermost type.
/// </summary>
/// <param name="HintName">Stable, unique file name; see <see cref="HintNames"/> for the rule.</param>
/// <param name="Namespace">The namespace, dotted, or empty for the global namespace.</param>
/// <param name="Types">The containing types, outermost first.</param>
internal sealed record HierarchyInfo(string HintName, string Namespace, EquatableArray<TypeDeclarationInfo> Types);

/// <summary>One containing type as the emitter re-declares it.</summary>
/// <param name="Keyword"><c>class</c>, <c>struct</c>, <c>record</c> or <c>record struct</c>.</param>
/// <param name="IsReadOnly">A <c>readonly struct</c> (or record struct); repeated so the declaration reads like the user's.</param>
/// <param name="Name">The type's name, escaped if it is a keyword.</param>
/// <param name="TypeParameters">Type parameter names; constraints are not repeated (C# allows partial parts to omit them).</param>
internal sealed record TypeDeclarationInfo(string Keyword, bool IsReadOnly, string Name, EquatableArray<string> TypeParameters);
