using Microsoft.CodeAnalysis.Testing;
using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.DeclarationAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0006 (read without unsharing write) and IMGL0007 (declares nothing).</summary>
public class DeclarationTests
{
    [Fact]
    public Task Read_without_unshare_write_is_info_on_the_attribute() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [{|#0:RequiresImageAccess(Perm.Read, Unshare.Resize)|}]
                void Copy(ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0006").WithLocation(0).WithArguments("Copy"));

    [Fact]
    public Task Declaring_nothing_is_a_warning() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [{|#0:RequiresImageAccess(Perm.None)|}]
                void Open(ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0007").WithLocation(0).WithArguments("Open"));

    [Fact]
    public Task Protected_reads_writes_and_unshare_only_leases_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write | Unshare.Resize)] void Copy(ImageAccess image) { }
                [RequiresImageAccess(Perm.Write | Perm.Resize)] void Grow(ImageAccess image) { }
                [RequiresImageAccess(Perm.None, Unshare.Write)] void Freeze(ImageAccess image) { }
            }
            """);

    [Fact]
    public Task A_negative_wait_other_than_minus_one_is_an_error_at_the_argument() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Write, Unshare.Write, {|#0:WaitMilliseconds = -1000|})]
                void Patch(ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0010").WithLocation(0).WithArguments("Patch", "-1000"));

    [Fact]
    public Task An_unbounded_wait_without_a_cancellation_token_is_a_warning() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Write, Unshare.Write, {|#0:WaitMilliseconds = -1|})]
                void Patch(ImageAccess image) { }

                [RequiresImageAccess(Perm.Write, Unshare.Write, WaitMilliseconds = -1)]
                Task PatchAsync(ImageAccess image, CancellationToken cancellationToken) => Task.CompletedTask;

                [RequiresImageAccess(Perm.Write, Unshare.Write, WaitMilliseconds = 5000)]
                void Bounded(ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0011").WithLocation(0).WithArguments("Patch"));

    [Fact]
    public async Task Unprotected_read_severity_follows_editorconfig()
    {
        var test = new ImageLockTest<DeclarationAnalyzer, EmptyCodeFixProvider>
        {
            TestCode = """
                using ImageLock;
                partial class Job
                {
                    [{|#0:RequiresImageAccess(Perm.Read)|}]
                    void Copy(ImageAccess image) { }
                }
                """,
        };
        test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*]\ndotnet_diagnostic.IMGL0006.severity = error\n"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("IMGL0006", Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(0).WithArguments("Copy"));
        await test.RunAsync();
    }
}
