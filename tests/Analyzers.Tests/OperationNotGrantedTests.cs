using ImageLock.Analyzers.CodeFixes;
using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.PermissionAnalyzer, ImageLock.Analyzers.CodeFixes.GrantPermissionFix>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0001: operations on the received ImageAccess against the method's own grant.</summary>
public class OperationNotGrantedTests
{
    [Fact]
    public Task SetLength_without_resize_is_reported_with_operation_requirement_and_grant() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image) => {|#0:image.SetLength(0)|};
            }
            """,
            Verify.Diagnostic("IMGL0001").WithLocation(0)
                .WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read, Unshare.Write", ""));

    [Fact]
    public Task The_declaring_attribute_travels_as_additional_location_for_the_fix() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [{|#1:RequiresImageAccess(Perm.Read)|}]
                void Save(ImageAccess image) => {|#0:image.SetLength(0)|};
            }
            """,
            Verify.DiagnosticWithAllLocations("IMGL0001").WithLocation(0).WithLocation(1)
                .WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read", ""));

    [Theory]
    [InlineData("image.Write(0, default)", "Write", "Perm.Write")]
    [InlineData("image.WriteAsync(0, default)", "WriteAsync", "Perm.Write")]
    [InlineData("image.WriteUnchanged(0, default)", "WriteUnchanged", "Perm.WriteUnchanged or Perm.Write")]
    [InlineData("image.SetLength(1)", "SetLength", "Perm.Resize")]
    public Task Each_operation_names_what_it_needs(string call, string operation, string needs) =>
        Verify.VerifyAnalyzerAsync($$"""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image) { {|#0:{{call}}|}; }
            }
            """,
            Verify.Diagnostic("IMGL0001").WithLocation(0).WithArguments(operation, needs, "Save", "Perm.Read, Unshare.Write", ""));

    [Fact]
    public Task Read_without_read_is_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Write)]
                int Peek(ImageAccess image) => {|#0:image.Read(0, Span<byte>.Empty)|};
            }
            """,
            Verify.Diagnostic("IMGL0001").WithLocation(0).WithArguments("Read", "Perm.Read", "Peek", "Perm.Write", ""));

    [Fact]
    public Task Justification_is_echoed() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Justification = "verify only")]
                void Check(ImageAccess image) => {|#0:image.SetLength(0)|};
            }
            """,
            Verify.Diagnostic("IMGL0001").WithLocation(0)
                .WithArguments("SetLength", "Perm.Resize", "Check", "Perm.Read", " (justification: verify only)"));

    [Fact]
    public Task Lambdas_local_functions_and_method_groups_capturing_the_capability_inherit_the_grant() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image)
                {
                    Action a = () => {|#0:image.SetLength(0)|};
                    void Local() => {|#1:image.Write(0, default)|};
                    Action<long> g = {|#2:image.SetLength|};
                    // A lambda's own capability comes from whoever invokes it (another lease): not Save's grant.
                    Action<ImageAccess> own = other => other.SetLength(0);
                    Local();
                }
            }
            """,
            Verify.Diagnostic("IMGL0001").WithLocation(0).WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read, Unshare.Write", ""),
            Verify.Diagnostic("IMGL0001").WithLocation(1).WithArguments("Write", "Perm.Write", "Save", "Perm.Read, Unshare.Write", ""),
            Verify.Diagnostic("IMGL0001").WithLocation(2).WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read, Unshare.Write", ""));

    [Fact]
    public Task Null_conditional_use_is_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess? image) => image?{|#0:.SetLength(0)|};
            }
            """,
            Verify.Diagnostic("IMGL0001").WithLocation(0).WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read, Unshare.Write", ""));

    [Fact]
    public Task Granted_operations_and_permission_free_members_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Threading.Tasks;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read | Perm.Write | Perm.Resize, Unshare.Write)]
                async Task Save(ImageAccess image)
                {
                    image.Read(0, Span<byte>.Empty);
                    await image.ReadAsync(0, Memory<byte>.Empty);
                    image.Write(0, default);
                    image.WriteUnchanged(0, default); // Write covers write-unchanged I/O
                    image.SetLength(image.Length);
                    image.Flush();
                    _ = image.Handle; _ = image.ImagePath; _ = image.Perm; _ = image.Unshare;
                }

                [RequiresImageAccess(Perm.WriteUnchanged)]
                void CopyOnRead(ImageAccess image) => image.WriteUnchanged(0, default);

                [RequiresImageAccess(Perm.All)]
                void Everything(ImageAccess image) { image.SetLength(0); image.Write(0, default); }
            }
            """);

    [Fact]
    public Task Methods_without_the_attribute_and_other_receivers_are_not_judged() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                void Helper(ImageAccess image) => image.SetLength(0);

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Run(ImageAccess image, ImageLease lease) => lease.Access.SetLength(0); // run-time checked
            }
            """);

    [Fact]
    public Task Generated_wrapper_code_is_not_analyzed() =>
        Verify.VerifyAnalyzerAsync("""
            // <auto-generated/>
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Save(ImageAccess image) => image.SetLength(0);
            }
            """);
}
