using ImageLock.Generators.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Generators.Tests;

/// <summary>
/// Every shape the generator cannot wrap, and what happens: no wrapper for that method (and no file at all when the
/// containing type cannot take one), while wrappable methods next to it are still wrapped. The analyzers
/// (IMGL0003) report these shapes; until a user fixes one, calls to its path overload fail to compile instead of
/// running unlocked code.
/// </summary>
public class UnsupportedShapeTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ImageLock;

        public interface IJob { void Other(ImageAccess image) { } }
        public class Base { public void Inherited(string imagePath) { } }
        """;

    /// <summary>Method-level shapes: each is placed next to a wrappable method <c>Fine</c> in one partial class.</summary>
    public static TheoryData<string, string> MethodShapes => new()
    {
        { "no ImageAccess parameter", "[RequiresImageAccess(Perm.Read)] public void Shape(int x) { }" },
        { "two ImageAccess parameters", "[RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess a, ImageAccess b) { }" },
        { "ImageAccess passed by ref", "[RequiresImageAccess(Perm.Read)] public void Shape(ref ImageAccess image) { }" },
        { "ImageAccess with a default", "[RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess? image = null) { }" },
        { "hand-written overload with the wrapper's signature",
          "[RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image) { } public void Shape(string path) { }" },
        { "two annotated methods whose wrappers would be the same",
          "[RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image, string s) { } [RequiresImageAccess(Perm.Read)] public void Shape(string s, ImageAccess image) { }" },
        { "wrapper would hide a hand-written inherited member",
          "[RequiresImageAccess(Perm.Read)] public void Inherited(ImageAccess image) { }" },
        { "ref struct parameter", "[RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image, Span<byte> buffer) { }" },
        { "pointer parameter", "[RequiresImageAccess(Perm.Read)] public unsafe void Shape(ImageAccess image, byte* data) { }" },
        { "function pointer parameter", "[RequiresImageAccess(Perm.Read)] public unsafe void Shape(ImageAccess image, delegate*<void> callback) { }" },
        { "iterator", "[RequiresImageAccess(Perm.Read)] public IEnumerable<int> Shape(ImageAccess image) { yield return 1; }" },
        { "async iterator",
          "[RequiresImageAccess(Perm.Read)] public async IAsyncEnumerable<int> Shape(ImageAccess image) { await Task.Yield(); yield return 1; }" },
        { "ref return", "private int _field; [RequiresImageAccess(Perm.Read)] public ref int Shape(ImageAccess image) => ref _field;" },
        { "ref readonly return", "private int _field; [RequiresImageAccess(Perm.Read)] public ref readonly int Shape(ImageAccess image) => ref _field;" },
        { "async void", "[RequiresImageAccess(Perm.Read)] public async void Shape(ImageAccess image) { await Task.Yield(); }" },
        { "task-returning with a ref parameter", "[RequiresImageAccess(Perm.Read)] public Task Shape(ImageAccess image, ref int x) => Task.CompletedTask;" },
        { "wait below -1", "[RequiresImageAccess(Perm.Read, WaitMilliseconds = -2)] public void Shape(ImageAccess image) { }" },
        { "explicit interface implementation", "[RequiresImageAccess(Perm.Read)] void IJob.Other(ImageAccess image) { }" },
        { "__arglist", "[RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image, __arglist) { }" },
    };

    [Theory]
    [MemberData(nameof(MethodShapes))]
    public void MethodShapeGetsNoWrapperButItsNeighbourDoes(string shape, string members)
    {
        string source = Prelude + $$"""

            public partial class Mixed : Base, IJob
            {
                [RequiresImageAccess(Perm.Read)] public void Fine(ImageAccess image) { }
                {{members}}
            }
            """;

        var (result, output) = GeneratorHarness.Run(source);

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var generated = result.GeneratedTrees.Single(t => t.FilePath.EndsWith("Mixed.g.cs", StringComparison.Ordinal));
        var wrappers = generated.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Select(m => m.Identifier.Text);
        Assert.True(wrappers.SequenceEqual(["Fine"]), $"{shape}: wrapped {string.Join(", ", wrappers)}");
    }

    /// <summary>Type-level shapes: the type gets no file; a partial class beside it still does.</summary>
    public static TheoryData<string, string> TypeShapes => new()
    {
        { "non-partial type", "public class Plain { [RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image) { } }" },
        { "non-partial outer type",
          "public class Outer { public partial class Inner { [RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image) { } } }" },
        { "file-local type", "file partial class Local { [RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image) { } }" },
        { "interface", "public partial interface IWithBody { [RequiresImageAccess(Perm.Read)] void Shape(ImageAccess image) { } }" },
        { "ref struct", "public ref partial struct Stacked { [RequiresImageAccess(Perm.Read)] public void Shape(ImageAccess image) { } }" },
    };

    [Theory]
    [MemberData(nameof(TypeShapes))]
    public void TypeShapeGetsNoFileButAPartialClassBesideItDoes(string shape, string type)
    {
        string source = Prelude + $$"""

            public partial class Control { [RequiresImageAccess(Perm.Read)] public void Fine(ImageAccess image) { } }
            {{type}}
            """;

        var (result, output) = GeneratorHarness.Run(source);

        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var files = GeneratorHarness.Generated(result).Keys;
        Assert.True(files.SequenceEqual(["Control.g.cs"]), $"{shape}: generated {string.Join(", ", files)}");
    }
}
