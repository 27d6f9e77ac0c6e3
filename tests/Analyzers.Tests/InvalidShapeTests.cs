using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.ShapeAnalyzer, ImageLock.Analyzers.CodeFixes.MakePartialFix>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0003: each shape the generator skips is explained; wrappable shapes stay silent.</summary>
public class InvalidShapeTests
{
    private static Task Reports(string member, string reason, string extra = "") =>
        Verify.VerifyAnalyzerAsync($$"""
            using System;
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using ImageLock;
            partial class Job
            {
                {{extra}}
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                {{member}}
            }
            """,
            Verify.Diagnostic("IMGL0003").WithLocation(0).WithArguments("M", reason));

    [Fact]
    public Task Interface_members_and_explicit_implementations_declare_the_contract_and_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            public interface IStep
            {
                [RequiresImageAccess(Perm.Read | Perm.Resize, Unshare.Write)]
                void Run(ImageAccess image);
            }
            public class Hidden : IStep
            {
                [RequiresImageAccess(Perm.Read | Perm.Resize, Unshare.Write)]
                void IStep.Run(ImageAccess image) => image.SetLength(0);
            }
            """);

    [Fact]
    public Task Local_functions_and_lambdas_are_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using ImageLock;
            partial class Job
            {
                void Run()
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void {|#0:Local|}(ImageAccess image) { }

                    Action<ImageAccess> a = [RequiresImageAccess(Perm.Read, Unshare.Write)] {|#1:(ImageAccess image)|} => { };
                }
            }
            """,
            Verify.Diagnostic("IMGL0003").WithLocation(0).WithArguments("Local",
                "it is a local function; only ordinary methods get a path overload, and the attribute grants nothing here"),
            Verify.Diagnostic("IMGL0003").WithLocation(1).WithArguments("lambda",
                "it is a lambda; only ordinary methods get a path overload, and the attribute grants nothing here"));

    [Fact]
    public Task No_capability() => Reports("void {|#0:M|}(string path) { }", "it has no ImageAccess parameter");

    [Fact]
    public Task Several_capabilities() =>
        Reports("void {|#0:M|}(ImageAccess a, ImageAccess b) { }", "it has 2 ImageAccess parameters; a wrapper acquires one image");

    [Fact]
    public Task Ref_struct_parameter() =>
        Reports("void {|#0:M|}(ImageAccess image, Span<byte> buffer) { }", "parameter 'buffer' is a ref struct or pointer");

    [Fact]
    public Task Pointer_parameter() =>
        Reports("unsafe void {|#0:M|}(ImageAccess image, byte* data) { }", "parameter 'data' is a ref struct or pointer");

    [Fact]
    public Task Iterator() =>
        Reports("IEnumerable<int> {|#0:M|}(ImageAccess image) { yield return 1; }",
            "it is an iterator, so the lease would be released before the caller enumerates");

    [Fact]
    public Task Ref_return() =>
        Reports("ref int {|#0:M|}(ImageAccess image) => ref _slot;", "it returns by reference", "int _slot;");

    [Fact]
    public Task Async_void() =>
        Reports("async void {|#0:M|}(ImageAccess image) { await Task.Yield(); }",
            "it is async void, so the wrapper would release the lease at its first await");

    [Fact]
    public Task Collision_with_a_hand_written_overload() =>
        Reports("void {|#0:M|}(ImageAccess image, int count) { }",
            "its path overload would collide with 'Job.M(string, int)'", "void M(string imagePath, int count) { }");

    [Fact]
    public Task Collision_between_two_annotated_methods_is_reported_on_both() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void {|#0:M|}(ImageAccess image, string name) { }
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void {|#1:M|}(string name, ImageAccess image) { }
            }
            """,
            Verify.Diagnostic("IMGL0003").WithLocation(0).WithArguments("M", "its path overload would collide with 'Job.M(string, ImageAccess)'"),
            Verify.Diagnostic("IMGL0003").WithLocation(1).WithArguments("M", "its path overload would collide with 'Job.M(ImageAccess, string)'"));

    [Fact]
    public Task Non_partial_type_at_any_nesting_level() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            class Outer
            {
                partial class Inner
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void {|#0:M|}(ImageAccess image) { }
                }
            }
            """,
            Verify.Diagnostic("IMGL0003").WithLocation(0).WithArguments("M", "containing type 'Outer' is not partial"));

    [Fact]
    public Task Wrappable_shapes_and_the_generated_wrapper_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Threading;
            using System.Threading.Tasks;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public Task CopyAsync(ImageAccess image, int count, CancellationToken ct) => Task.CompletedTask;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static T Pick<T>(T value, ImageAccess image) => value;

                void CopyAsync(string other) { } // same name, different signature
            }
            partial struct Outer { partial record Inner {
                [RequiresImageAccess(Perm.Write)] void Patch(ImageAccess image, ref int count) { } } }
            """,
            """
            // <auto-generated/>
            partial class Job
            {
                [global::System.CodeDom.Compiler.GeneratedCode("ImageLock.Generators", "0.1.0")]
                public global::System.Threading.Tasks.Task CopyAsync(string imagePath, int count, global::System.Threading.CancellationToken ct) => global::System.Threading.Tasks.Task.CompletedTask;
            }
            """);

    [Fact]
    public Task Fix_makes_every_containing_type_partial_and_FixAll_handles_all_methods() =>
        Verify.VerifyCodeFixAsync("""
            using ImageLock;
            public static class Outer
            {
                internal sealed class Inner
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    public static void {|IMGL0003:A|}(ImageAccess image) { }
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    public static void {|IMGL0003:B|}(ImageAccess image) { }
                }
            }
            class Plain
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void {|IMGL0003:C|}(ImageAccess image) { }
            }
            """, """
            using ImageLock;
            public static partial class Outer
            {
                internal sealed partial class Inner
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    public static void A(ImageAccess image) { }
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    public static void B(ImageAccess image) { }
                }
            }
            partial class Plain
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void C(ImageAccess image) { }
            }
            """);
}
