using ImageLock.Generators.Tests.Support;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators.Tests;

/// <summary>
/// A consumer that relies on the bodies' contracts through the path overloads — nullable flow, caller info, nullable
/// context, constraints — builds with nullable enabled and every warning an error, and caller info carries the
/// consumer's values at run time.
/// </summary>
public class ConsumerTests
{
    private const string Library = """
        using System;
        using System.Diagnostics.CodeAnalysis;
        using System.Runtime.CompilerServices;
        using ImageLock;

        public partial class Flow
        {
            private string _header;

            public Flow(string path) => Load(path); // [MemberNotNull]: no CS8618

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [MemberNotNull(nameof(_header))]
            public void Load(ImageAccess image) => _header = "h";

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public bool TryRead(ImageAccess image, [NotNullWhen(true)] out string? value) { value = _header; return true; }

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [return: NotNullIfNotNull(nameof(fallback))]
            public string? OrDefault(ImageAccess image, string? fallback) => fallback;

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            [DoesNotReturn]
            public void Fail(ImageAccess image, string reason) => throw new InvalidOperationException(reason);

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public static int Measure<T>(ImageAccess image, T value) where T : allows ref struct => 1;
        }

        public static partial class Traced
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public static string Where(
                ImageAccess image,
                string label,
                [CallerArgumentExpression(nameof(label))] string labelText = "",
                [CallerMemberName] string member = "",
                [CallerLineNumber] int line = 0)
                => member + ":" + line + ":" + labelText;
        }

        #nullable disable
        public static partial class Oblivious
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public static int Count(ImageAccess image, string label, object[] items) => label?.Length ?? 0;
        }
        """;

    private const string Consumer = """
        public static class Consumer
        {
            public static int Use(string path)
            {
                var flow = new Flow(path);
                int n = 0;
                if (flow.TryRead(path, out var value)) n += value.Length;  // [NotNullWhen(true)]
                n += flow.OrDefault(path, "fallback").Length;                // [NotNullIfNotNull]
                string? reason = n > 0 ? null : "empty";
                if (reason is not null) flow.Fail(path, reason);            // [DoesNotReturn]
                n += Oblivious.Count(path, null, null);                     // #nullable disable body: oblivious parameters
                System.Span<byte> span = stackalloc byte[1];
                n += Flow.Measure(path, span);                              // allows ref struct
                return n;
            }

            public static string Call(string path) =>
                Traced.Where(path, path.ToUpperInvariant());
        }
        """;

    [Fact]
    public void A_consumer_relying_on_the_contracts_builds_with_warnings_as_errors()
    {
        var input = GeneratorHarness.Compile(Library, Consumer);
        input = input.WithOptions(input.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Error));
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Passing_null_for_the_wait_binds_to_the_wait_overload_instead_of_being_ambiguous()
    {
        var input = GeneratorHarness.Compile("""
            using System.Threading;
            using System.Threading.Tasks;
            using ImageLock;
            public static class Caller
            {
                public static async Task Run(string path, CancellationToken ct)
                {
                    await using var a = await ImageLease.AcquireAsync(path, Perm.Read, Unshare.None, null, ct);
                    await using var b = await ImageGraphLease.AcquireAsync(path, ImageFormat.Qcow2, Perm.Read, Unshare.None, null, ct);
                    using var c = ImageLease.Acquire(path, Perm.Read, Unshare.None, LockWait.None, ct);
                    using var d = ImageLease.Acquire(path, Perm.Read, Unshare.None, ImageLockOptions.Default, ct);
                }
            }
            """);

        var problems = input.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems));
    }

    [Fact]
    public void An_obsolete_body_makes_its_path_overload_obsolete_for_callers()
    {
        var (_, output) = GeneratorHarness.Run("""
            using System;
            using ImageLock;
            public partial class Legacy
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                [Obsolete("Use Scan instead.")]
                public void OldScan(ImageAccess image) { }
            }
            public static class Caller
            {
                public static void Run(Legacy legacy) => legacy.OldScan("disk.raw");
            }
            """);

        var warning = Assert.Single(output.GetDiagnostics(), d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Equal("CS0618", warning.Id);
        Assert.Contains("Use Scan instead.", warning.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("User0.cs", warning.Location.SourceTree?.FilePath);
    }

    [Fact]
    public void Caller_info_through_the_wrapper_is_the_wrapper_callers()
    {
        using var image = new TempImage();
        string source = Library + "\n#nullable restore\n" + Consumer;
        var assembly = CompiledAssembly.Build(source);
        var call = assembly.GetType("Consumer", throwOnError: true)!.GetMethod("Call")!;

        string where = (string)call.Invoke(null, [image.Path])!;

        int line = source.Split('\n').ToList().FindIndex(l => l.Contains("Traced.Where(path, path.ToUpperInvariant())", StringComparison.Ordinal)) + 1;
        Assert.Equal("Call:" + line + ":path.ToUpperInvariant()", where);
    }
}
