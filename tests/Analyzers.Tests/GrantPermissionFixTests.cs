using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.PermissionAnalyzer, ImageLock.Analyzers.CodeFixes.GrantPermissionFix>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0001/IMGL0002 fix: widen the method's [RequiresImageAccess]; FixAll across methods.</summary>
public class GrantPermissionFixTests
{
    [Fact]
    public Task Adds_the_missing_permission_and_keeps_unshare_and_named_arguments() =>
        Verify.VerifyCodeFixAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write, Justification = "resize")]
                void Save(ImageAccess image) => {|IMGL0001:image.SetLength(0)|};
            }
            """, """
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read | Perm.Resize, Unshare.Write, Justification = "resize")]
                void Save(ImageAccess image) => image.SetLength(0);
            }
            """);

    [Fact]
    public Task WriteUnchanged_gets_the_minimal_permission() =>
        Verify.VerifyCodeFixAsync("""
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read)]
                void Heal(ImageAccess image) => {|IMGL0001:image.WriteUnchanged(0, default)|};
            }
            """, """
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read | Perm.WriteUnchanged)]
                void Heal(ImageAccess image) => image.WriteUnchanged(0, default);
            }
            """);

    [Fact]
    public Task Qualified_names_are_used_when_the_namespace_is_not_imported() =>
        Verify.VerifyCodeFixAsync("""
            partial class Job
            {
                [ImageLock.RequiresImageAccess(ImageLock.Perm.Read)]
                void Save(ImageLock.ImageAccess image) => {|IMGL0001:image.Write(0, default)|};
            }
            """, """
            partial class Job
            {
                [ImageLock.RequiresImageAccess(ImageLock.Perm.Read | ImageLock.Perm.Write)]
                void Save(ImageLock.ImageAccess image) => image.Write(0, default);
            }
            """);

    [Fact]
    public Task FixAll_fixes_every_method_in_the_document() =>
        Verify.VerifyCodeFixAsync("""
            using System;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Grow(ImageAccess image) => {|IMGL0001:image.SetLength(10)|};

                [RequiresImageAccess(Perm.None, Unshare.Write)]
                int Peek(ImageAccess image) => {|IMGL0001:image.Read(0, Span<byte>.Empty)|};

                [RequiresImageAccess(Perm.Read)]
                void Patch(ImageAccess image)
                {
                    Action patch = () => {|IMGL0001:image.Write(0, default)|};
                    patch();
                }
            }
            """, """
            using System;
            using ImageLock;
            partial class Job
            {
                [RequiresImageAccess(Perm.Read | Perm.Resize, Unshare.Write)]
                void Grow(ImageAccess image) => image.SetLength(10);

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                int Peek(ImageAccess image) => image.Read(0, Span<byte>.Empty);

                [RequiresImageAccess(Perm.Read | Perm.Write)]
                void Patch(ImageAccess image)
                {
                    Action patch = () => image.Write(0, default);
                    patch();
                }
            }
            """);

    [Fact]
    public async Task Two_missing_permissions_in_one_method_converge()
    {
        // Fix All merges both edits of the same attribute in one pass; one-by-one needs two fixes.
        var test = new ImageLockTest<PermissionAnalyzer, CodeFixes.GrantPermissionFix>
        {
            TestCode = """
                using ImageLock;
                partial class Job
                {
                    [RequiresImageAccess(Perm.Read)]
                    void Save(ImageAccess image) { {|IMGL0001:image.SetLength(0)|}; {|IMGL0001:image.Write(0, default)|}; }
                }
                """,
            FixedCode = """
                using ImageLock;
                partial class Job
                {
                    [RequiresImageAccess(Perm.Read | Perm.Write | Perm.Resize)]
                    void Save(ImageAccess image) { image.SetLength(0); image.Write(0, default); }
                }
                """,
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllIterations = 1,
        };
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_fixes_IMGL0001_and_IMGL0002_together_in_one_pass()
    {
        var test = new ImageLockTest<PermissionAnalyzer, CodeFixes.GrantPermissionFix>
        {
            TestCode = """
                using ImageLock;
                partial class Job
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void Save(ImageAccess image) { {|IMGL0001:image.SetLength(0)|}; {|IMGL0002:Patch(image)|}; }

                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void Other(ImageAccess image) => {|IMGL0002:Patch(image)|};

                    [RequiresImageAccess(Perm.Write, Unshare.Write | Unshare.Resize)]
                    void Patch(ImageAccess image) { }
                }
                """,
            FixedCode = """
                using ImageLock;
                partial class Job
                {
                    [RequiresImageAccess(Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize)]
                    void Save(ImageAccess image) { image.SetLength(0); Patch(image); }

                    [RequiresImageAccess(Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize)]
                    void Other(ImageAccess image) => Patch(image);

                    [RequiresImageAccess(Perm.Write, Unshare.Write | Unshare.Resize)]
                    void Patch(ImageAccess image) { }
                }
                """,
            NumberOfIncrementalIterations = 3,
            NumberOfFixAllIterations = 1,
        };
        await test.RunAsync();
    }
}
