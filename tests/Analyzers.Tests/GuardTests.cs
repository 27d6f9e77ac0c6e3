using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.PermissionAnalyzer, ImageLock.Analyzers.CodeFixes.GrantPermissionFix>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0001/IMGL0002: a run-time check on the same capability guards the use; anything less is still reported.</summary>
public class GuardTests
{
    // Save is granted only Perm.Read, Unshare.Write; every body below needs more unless guarded.
    private static string InSave(string body) => $$"""
        using System;
        using ImageLock;
        partial class Job
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            void Save(ImageAccess image, ImageLease lease, Perm perm, bool flag)
            {
                {{body}}
            }

            static void Log() { }
        }
        """;

    [Theory]
    [InlineData("if (image.Allows(Perm.Resize)) { image.SetLength(0); }")]
    [InlineData("if (image.Allows(Perm.Resize)) image.SetLength(0); else Log();")]
    [InlineData("if (flag) Log(); else if (image.Allows(Perm.Resize)) image.SetLength(0);")]
    [InlineData("if (!image.Allows(Perm.Resize)) return; image.SetLength(0);")]
    [InlineData("if (!image.Allows(Perm.Resize)) throw new InvalidOperationException(); image.SetLength(0);")]
    [InlineData("if (!image.Allows(Perm.Resize)) { Log(); return; } Log(); image.SetLength(0);")]
    [InlineData("if (image.Allows(Perm.Resize)) Log(); else return; image.SetLength(0);")]
    [InlineData("if (!image.Allows(Perm.Resize)) return; foreach (var n in new long[] { 1 }) { image.SetLength(n); }")]
    [InlineData("foreach (var n in new long[] { 1 }) { if (!image.Allows(Perm.Resize)) continue; image.SetLength(n); }")]
    [InlineData("_ = image.Allows(Perm.Write) && image.WriteAsync(0, default).IsCompleted;")]
    [InlineData("_ = image.Allows(Perm.Write) ? image.WriteAsync(0, default) : default;")]
    [InlineData("_ = !image.Allows(Perm.Write) ? default : image.WriteAsync(0, default);")]
    [InlineData("if ((image.Perm & Perm.Resize) != 0) image.SetLength(0);")]
    [InlineData("if ((image.Perm & Perm.Resize) == 0) return; image.SetLength(0);")]
    [InlineData("if (image.Perm.HasFlag(Perm.Resize)) image.SetLength(0);")]
    [InlineData("if ((image.Perm & (Perm.Write | Perm.Resize)) == (Perm.Write | Perm.Resize)) { image.Write(0, default); image.SetLength(0); }")]
    [InlineData("if (image.Allows(Perm.Write | Perm.Resize)) { image.Write(0, default); image.SetLength(0); }")]
    [InlineData("if (!image.Allows(Perm.Write) || !image.Allows(Perm.Resize)) return; image.Write(0, default); image.SetLength(0);")]
    [InlineData("if (flag && image.Allows(Perm.Write)) image.WriteUnchanged(0, default);")]
    [InlineData("if (image.Allows(Perm.Resize)) { Action a = () => image.SetLength(0); Action<long> g = image.SetLength; void Local() => image.SetLength(1); Local(); }")]
    [InlineData("bool canResize = image.Allows(Perm.Resize); if (canResize) image.SetLength(0);")]
    [InlineData("var canResize = (image.Perm & Perm.Resize) != 0; if (!canResize) return; image.SetLength(0);")]
    [InlineData("bool both = image.Allows(Perm.Write) && image.Allows(Perm.Resize); if (both) image.SetLength(0);")]
    [InlineData("if (image.Allows(Perm.Resize) is false) return; image.SetLength(0);")]
    [InlineData("if (image.Allows(Perm.Resize) == false) return; image.SetLength(0);")]
    [InlineData("if (image.Allows(Perm.Resize) is true) image.SetLength(0);")]
    [InlineData("if (image.Allows(Perm.Resize) != false) image.SetLength(0);")]
    [InlineData("if (image.Allows(Perm.Resize) is not false) image.SetLength(0);")]
    [InlineData("if ((image.Perm & Perm.Resize) is not 0) image.SetLength(0);")]
    [InlineData("if ((image.Perm & Perm.Resize) is Perm.Resize) image.SetLength(0);")]
    [InlineData("if (image.Perm == Perm.All) image.SetLength(0);")]
    [InlineData("if (image.Perm != (Perm.Read | Perm.Resize)) return; image.SetLength(0);")]
    public Task Guarded_uses_are_silent(string body) =>
        Verify.VerifyAnalyzerAsync(InSave(body));

    [Theory]
    [InlineData("if (image.Allows(Perm.Resize)) Log(); else {|#0:image.SetLength(0)|};")] // else branch
    [InlineData("if (image.Allows(Perm.Resize)) { image.SetLength(0); } {|#0:image.SetLength(1)|};")] // after the if
    [InlineData("if (!image.Allows(Perm.Resize)) Log(); {|#0:image.SetLength(0)|};")] // the check does not leave
    [InlineData("if (!image.Allows(Perm.Resize)) {|#0:image.SetLength(0)|};")] // guarded the wrong way round
    [InlineData("{|#0:image.SetLength(0)|}; if (!image.Allows(Perm.Resize)) return;")] // before the check
    [InlineData("if (lease.Access.Allows(Perm.Resize)) {|#0:image.SetLength(0)|};")] // another ImageAccess
    [InlineData("if (image.Allows(Perm.Write)) {|#0:image.SetLength(0)|};")] // another permission
    [InlineData("if (image.Allows(perm)) {|#0:image.SetLength(0)|};")] // not a constant
    [InlineData("if ((image.Perm & (Perm.Write | Perm.Resize)) != 0) {|#0:image.SetLength(0)|};")] // any of two, not both
    [InlineData("if (image.Allows(Perm.Resize) || flag) {|#0:image.SetLength(0)|};")]
    [InlineData("if (image.Allows(Perm.Resize)) { image = lease.Access; {|#0:image.SetLength(0)|}; }")] // reassigned
    [InlineData("Action reset = () => image = lease.Access; if (image.Allows(Perm.Resize)) {|#0:image.SetLength(0)|};")]
    [InlineData("goto Use; if (!image.Allows(Perm.Resize)) return; Use: {|#0:image.SetLength(0)|};")] // goto skips the check
    [InlineData("Local(); if (!image.Allows(Perm.Resize)) return; void Local() => {|#0:image.SetLength(0)|};")] // hoisted
    [InlineData("bool canResize = image.Allows(Perm.Resize); canResize = flag; if (canResize) {|#0:image.SetLength(0)|};")] // written twice
    [InlineData("bool canResize = image.Allows(Perm.Resize); if (!canResize) {|#0:image.SetLength(0)|};")]
    [InlineData("if (image.Allows(Perm.Resize) is true) Log(); else {|#0:image.SetLength(0)|};")]
    [InlineData("if (image.Allows(Perm.Resize) is false) {|#0:image.SetLength(0)|};")]
    [InlineData("if (image.Perm == Perm.Write) {|#0:image.SetLength(0)|};")]
    [InlineData("if (image.Perm != Perm.All) {|#0:image.SetLength(0)|};")]
    public Task Uses_the_check_does_not_cover_are_reported(string body) =>
        Verify.VerifyAnalyzerAsync(InSave(body),
            Verify.Diagnostic("IMGL0001").WithLocation(0).WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read, Unshare.Write", ""));

    [Theory]
    [InlineData("_ = image.Allows(Perm.Write) ? default : {|#0:image.WriteAsync(0, default)|};")] // false side
    [InlineData("_ = {|#0:image.WriteAsync(0, default)|}.IsCompleted && image.Allows(Perm.Write);")] // checked after the use
    public Task Write_outside_the_true_side_is_reported(string body) =>
        Verify.VerifyAnalyzerAsync(InSave(body),
            Verify.Diagnostic("IMGL0001").WithLocation(0).WithArguments("WriteAsync", "Perm.Write", "Save", "Perm.Read, Unshare.Write", ""));

    [Theory]
    [InlineData("Action<ImageAccess> a = other => other.SetLength(0);")]
    [InlineData("Action<ImageAccess> a = other => { if (image.Allows(Perm.Resize)) other.SetLength(0); };")]
    [InlineData("void Local(ImageAccess other) => other.SetLength(0); Local(lease.Access);")]
    public Task A_lambdas_or_local_functions_own_capability_is_not_the_methods(string body) =>
        Verify.VerifyAnalyzerAsync(InSave(body));

    [Fact]
    public Task Guarded_callee_is_silent_when_the_check_covers_its_perm() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image)
                {
                    if (image.Allows(Perm.Write | Perm.Resize)) Grow(image);
                    if (!image.Allows(Perm.Write)) return;
                    Heal(image); // Write covers the callee's WriteUnchanged
                }

                [RequiresImageAccess(Perm.Write | Perm.Resize, Unshare.Write)]
                void Grow(ImageAccess image) { }

                [RequiresImageAccess(Perm.WriteUnchanged)]
                void Heal(ImageAccess image) { }
            }
            """);

    [Fact]
    public Task Guarded_callee_needing_another_perm_is_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image)
                {
                    if (image.Allows(Perm.Write)) {|#0:Grow(image)|};
                }

                [RequiresImageAccess(Perm.Resize, Unshare.Write)]
                void Grow(ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0002").WithLocation(0).WithArguments("Grow", "Perm.Resize, Unshare.Write", "Save", "Perm.Read, Unshare.Write", ""));

    // A check proves permissions, not what the lease unshares: the fix then adds only the unshare.
    [Fact]
    public Task Guard_does_not_cover_the_callee_unshare_and_the_fix_adds_only_that() =>
        Verify.VerifyCodeFixAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read)]
                void Save(ImageAccess image)
                {
                    if (image.Allows(Perm.Resize)) {|#0:Grow(image)|};
                }

                [RequiresImageAccess(Perm.Resize, Unshare.Write)]
                void Grow(ImageAccess image) { }
            }
            """, """
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image)
                {
                    if (image.Allows(Perm.Resize)) Grow(image);
                }

                [RequiresImageAccess(Perm.Resize, Unshare.Write)]
                void Grow(ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0002").WithLocation(0).WithArguments("Grow", "Perm.Resize, Unshare.Write", "Save", "Perm.Read", ""));
}
