using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.OverrideAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0008: overrides and interface implementations must declare what their base declares.</summary>
public class OverrideTests
{
    [Fact]
    public Task Differing_override_and_implementations_are_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            interface IStep
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Run(ImageAccess image);
            }
            abstract partial class Base
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public abstract void Copy(ImageAccess image);
            }
            partial class Derived : Base, IStep
            {
                [RequiresImageAccess(Perm.Read | Perm.Write, Unshare.Write)]
                public override void {|#0:Copy|}(ImageAccess image) { }

                public void {|#1:Run|}(ImageAccess image) { }
            }
            partial class Explicit : IStep
            {
                [RequiresImageAccess(Perm.Read)]
                void IStep.{|#2:Run|}(ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0008").WithLocation(0).WithArguments("Copy", "Perm.Read | Perm.Write, Unshare.Write", "Base.Copy", "Perm.Read, Unshare.Write"),
            Verify.Diagnostic("IMGL0008").WithLocation(1).WithArguments("Run", "no [RequiresImageAccess]", "IStep.Run", "Perm.Read, Unshare.Write"),
            Verify.Diagnostic("IMGL0008").WithLocation(2).WithArguments("IStep.Run", "Perm.Read", "IStep.Run", "Perm.Read, Unshare.Write"));

    [Fact]
    public Task Matching_requirements_and_unannotated_hierarchies_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            interface IStep
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Run(ImageAccess image);
                void Log(string text);
            }
            partial class Step : IStep
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public virtual void Run(ImageAccess image) { }
                public void Log(string text) { }
                public override string ToString() => "step";
            }
            partial class Special : Step
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public override void Run(ImageAccess image) { }
            }
            """);
}
