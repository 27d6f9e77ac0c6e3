using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.PermissionAnalyzer, ImageLock.Analyzers.CodeFixes.GrantPermissionFix>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0002: passing the capability on checks the callee's grant against the caller's.</summary>
public class CalleeNeedsMoreTests
{
    [Fact]
    public Task Callee_relying_on_unshared_write_cannot_run_under_a_lease_that_shares_it() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read)]
                void Backup(ImageAccess image) => {|#0:Verify(image)|};

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Verify(ImageAccess image) => image.Read(0, default);
            }
            """,
            Verify.Diagnostic("IMGL0002").WithLocation(0).WithArguments("Verify", "Perm.Read, Unshare.Write", "Backup", "Perm.Read", ""));

    [Fact]
    public Task Callee_needing_a_permission_the_caller_lacks_is_reported_also_from_lambdas() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write, Justification = "checksum")]
                void Backup(ImageAccess image)
                {
                    Action a = () => {|#0:Grow(image, 1)|};
                }

                [RequiresImageAccess(Perm.Resize | Perm.Write, Unshare.Write)]
                static void Grow(ImageAccess image, long by) => image.SetLength(image.Length + by);
            }
            """,
            Verify.Diagnostic("IMGL0002").WithLocation(0)
                .WithArguments("Grow", "Perm.Write | Perm.Resize, Unshare.Write", "Backup", "Perm.Read, Unshare.Write", " (justification: checksum)"));

    [Fact]
    public Task Correct_nested_calls_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize)]
                void Outer(ImageAccess image) { Middle(image); Heal(image); Plain(image); }

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Middle(ImageAccess image) => Inner(image);

                [RequiresImageAccess(Perm.Read)]
                void Inner(ImageAccess image) { }

                [RequiresImageAccess(Perm.WriteUnchanged)] // covered by the caller's Perm.Write
                void Heal(ImageAccess image) { }

                void Plain(ImageAccess image) { } // unannotated callees are not judged
            }
            """);

    [Fact]
    public Task Fix_widens_perm_and_unshare_and_FixAll_covers_every_caller() =>
        Verify.VerifyCodeFixAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read)]
                void Backup(ImageAccess image) => {|IMGL0002:Grow(image)|};

                [RequiresImageAccess(Perm.Read, Unshare.Resize)]
                void Audit(ImageAccess image) => {|IMGL0002:Grow(image)|};

                [RequiresImageAccess(Perm.Resize, Unshare.Write)]
                void Grow(ImageAccess image) => image.SetLength(1);
            }
            """, """
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read | Perm.Resize, Unshare.Write)]
                void Backup(ImageAccess image) => Grow(image);

                [RequiresImageAccess(Perm.Read | Perm.Resize, Unshare.Write | Unshare.Resize)]
                void Audit(ImageAccess image) => Grow(image);

                [RequiresImageAccess(Perm.Resize, Unshare.Write)]
                void Grow(ImageAccess image) => image.SetLength(1);
            }
            """);
}
