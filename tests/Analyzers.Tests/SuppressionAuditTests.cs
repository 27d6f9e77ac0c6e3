using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.SuppressionAuditAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0009: in-source suppressions of IMGL0001 ([SuppressMessage], #pragma) are audited.</summary>
public class SuppressionAuditTests
{
    [Fact]
    public Task Suppressions_of_IMGL0001_are_reported_wherever_they_are() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Diagnostics.CodeAnalysis;
            using ImageLock;
            [assembly: {|#0:SuppressMessage("ImageLock.Safety", "IMGL0001")|}]
            partial class Job
            {
                [{|#1:SuppressMessage("ImageLock.Safety", "IMGL0001:Operation not granted", Justification = "trust me")|}]
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image) { }

                [{|#2:UnconditionalSuppressMessage("ImageLock.Safety", "imgl0001")|}]
                void Other() { }
            }
            """,
            Verify.Diagnostic("IMGL0009").WithLocation(0).WithArguments("IMGL0001"),
            Verify.Diagnostic("IMGL0009").WithLocation(1).WithArguments("IMGL0001"),
            Verify.Diagnostic("IMGL0009").WithLocation(2).WithArguments("IMGL0001"));

    [Fact]
    public Task Pragmas_disabling_IMGL0001_are_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
            #pragma warning disable CS0168, {|#0:IMGL0001|} // a false positive?
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image) { }
            #pragma warning restore IMGL0001
            #pragma warning disable IMGL0006
            }
            """,
            Verify.Diagnostic("IMGL0009").WithLocation(0).WithArguments("IMGL0001"));

    [Fact]
    public Task Other_suppressions_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Diagnostics.CodeAnalysis;
            partial class Job
            {
                [SuppressMessage("ImageLock.Usage", "IMGL0006")]
                [SuppressMessage("Style", "IDE0051:Remove unused private members")]
                [SuppressMessage("ImageLock.Safety", "IMGL00010")]
                void Save() { }
            }
            """);

    [Fact]
    public async Task The_suppression_really_hides_IMGL0001_which_is_why_it_is_audited()
    {
        // Pins the premise of this rule: [SuppressMessage] hides IMGL0001.
        var test = new ImageLockTest<PermissionAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>
        {
            TestCode = """
                using System.Diagnostics.CodeAnalysis;
                using ImageLock;
                partial class Job
                {
                    [SuppressMessage("ImageLock.Safety", "IMGL0001")]
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void Save(ImageAccess image) => image.SetLength(0);
                }
                """,
        };
        await test.RunAsync();
    }
}
