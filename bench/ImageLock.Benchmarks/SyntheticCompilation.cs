using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ImageLock.Benchmarks;

/// <summary>
/// Synthetic user code for benchmarks 5 and 6: N [RequiresImageAccess] methods, 10 per partial class, one class per
/// file, with a mix of grants and sync/async bodies, plus one unrelated file that the "edit" replaces.
/// Trees are parsed once; each compilation built from them starts with no semantic state.
/// </summary>
internal sealed class SyntheticCompilation
{
    public const string UnrelatedPath = "Unrelated.cs";
    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);
    private static readonly MetadataReference[] References =
        [.. Basic.Reference.Assemblies.Net80.References.All, MetadataReference.CreateFromFile(typeof(ImageLease).Assembly.Location)];

    public SyntheticCompilation(int methods)
    {
        Methods = methods;
        var trees = new List<SyntaxTree>();
        for (int c = 0; c * 10 < methods; c++)
            trees.Add(CSharpSyntaxTree.ParseText(Class(c, Math.Min(10, methods - c * 10)), Parse, $"Tools{c}.cs", Encoding.UTF8));
        Unrelated = Tree(UnrelatedPath, UnrelatedText(0));
        trees.Add(Unrelated);
        Trees = [.. trees];
    }

    public int Methods { get; }
    public SyntaxTree[] Trees { get; }
    public SyntaxTree Unrelated { get; }

    /// <summary>A fresh compilation of the user code (no generated files).</summary>
    public CSharpCompilation Create(IEnumerable<SyntaxTree>? extra = null) =>
        CSharpCompilation.Create("Synthetic", extra is null ? Trees : [.. Trees, .. extra], References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                concurrentBuild: false)); // one thread: steadier numbers on a shared two-core machine

    /// <summary>A compilation of the same code from newly parsed trees, so nothing cached per tree object (the
    /// generator's per-file declaration texts) carries over: what a command-line build sees.</summary>
    public CSharpCompilation CreateFromNewTrees() =>
        Create().RemoveAllSyntaxTrees().AddSyntaxTrees(Trees.Select(t => CSharpSyntaxTree.ParseText(t.GetText(), Parse, t.FilePath)));

    /// <summary>The unrelated file after an edit that touches no annotated method.</summary>
    public static SyntaxTree EditedUnrelated(int version) => Tree(UnrelatedPath, UnrelatedText(version));

    private static SyntaxTree Tree(string path, string text) => CSharpSyntaxTree.ParseText(text, Parse, path, Encoding.UTF8);

    internal static string UnrelatedText(int version) => $$"""
        namespace Synthetic;
        public static class Unrelated
        {
            public static int Answer() => {{42 + version}};
        }
        """;

    private static readonly string[] Grants =
    [
        "Perm.Read, Unshare.Write | Unshare.Resize",
        "Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize",
        "Perm.Read | Perm.Write, Unshare.Resize", // the bodies read: Perm.Write alone would be IMGL0001
        "Perm.All, Unshare.All",
    ];

    /// <summary>File Tools{c}.cs: <paramref name="count"/> annotated methods Op{i} / Op{i}Async (i = c * 10 + m).</summary>
    internal static string Class(int c, int count)
    {
        var sb = new StringBuilder($"using System;\nusing System.Threading.Tasks;\nusing ImageLock;\n\nnamespace Synthetic;\n\npublic static partial class Tools{c}\n{{\n");
        for (int m = 0; m < count; m++)
        {
            int i = c * 10 + m;
            string grant = Grants[i % Grants.Length];
            bool writes = grant.Contains("Perm.Write") || grant.Contains("Perm.All");
            sb.Append($"    [RequiresImageAccess({grant})]\n");
            if (i % 3 == 2)
                sb.Append($"    public static async Task<int> Op{i}Async(ImageAccess image, long offset)\n    {{\n")
                  .Append("        var buffer = new byte[16];\n")
                  .Append("        int read = await image.ReadAsync(offset, buffer).ConfigureAwait(false);\n")
                  .Append(writes ? "        await image.WriteAsync(offset, buffer.AsMemory(0, read)).ConfigureAwait(false);\n" : "")
                  .Append("        return read;\n    }\n\n");
            else
                sb.Append($"    public static int Op{i}(ImageAccess image, long offset)\n    {{\n")
                  .Append("        Span<byte> buffer = stackalloc byte[16];\n")
                  .Append("        int read = image.Read(offset, buffer);\n")
                  .Append(writes ? "        image.Write(offset, buffer[..read]);\n" : "")
                  .Append("        return read + (int)image.Length;\n    }\n\n");
        }
        return sb.Append("}\n").ToString();
    }
}
