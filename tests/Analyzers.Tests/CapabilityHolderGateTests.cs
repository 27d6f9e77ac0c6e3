using Escape = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.EscapeAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;
using Permission = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.PermissionAnalyzer, ImageLock.Analyzers.CodeFixes.GrantPermissionFix>;
using Reacquire = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.ReacquireAnalyzer, ImageLock.Analyzers.CodeFixes.PassCapabilityFix>;

namespace ImageLock.Analyzers.Tests;

/// <summary>
/// The rules register their per-operation actions only in bodies that can see a capability (CapabilityHolders), and ask
/// a method for its attributes only when its declaration has an attribute list (KnownSymbols); these cases fail if
/// either gate is too narrow: a holder that is not the block's owner, annotated methods spread over files, and a
/// partial method whose attribute is on the other declaration.
/// </summary>
public class CapabilityHolderGateTests
{
    [Fact]
    public Task Lambdas_and_local_functions_taking_their_own_capability_in_a_method_without_one_are_holders() =>
        Reacquire.VerifyAnalyzerAsync("""
            using System;
            using ImageLock;
            class Host
            {
                // A field initializer: the block's owner is not even a method.
                static readonly Action<ImageAccess> Field = image => {|#0:ImageLease.Acquire("a.qcow2", Perm.Read)|}.Dispose();

                static void Main()
                {
                    Action<ImageAccess> callback = image => { using var lease = {|#1:ImageLease.Acquire("b.qcow2", Perm.Read)|}; };
                    void Local(ImageAccess image) { using var lease = {|#2:ImageLease.Acquire("c.qcow2", Perm.Read)|}; }
                    // Nested holders: reported once, from the innermost.
                    Action<ImageAccess> outer = image => { Action<ImageAccess> inner = again => {|#3:ImageLease.Acquire("d.qcow2", Perm.Read)|}.Dispose(); };
                    // No capability in scope: a first lease, not a second.
                    Func<int> plain = () => { using var lease = ImageLease.Acquire("e.qcow2", Perm.Read); return 0; };
                }
            }
            """,
            Reacquire.Diagnostic("IMGL0005").WithLocation(0),
            Reacquire.Diagnostic("IMGL0005").WithLocation(1),
            Reacquire.Diagnostic("IMGL0005").WithLocation(2).WithArguments("ImageLease.Acquire", "Local", "image"),
            Reacquire.Diagnostic("IMGL0005").WithLocation(3));

    [Fact]
    public Task Annotated_methods_of_a_partial_class_declared_over_two_files_are_judged_in_both() =>
        Permission.VerifyAnalyzerInFilesAsync(
            [
                """
                using ImageLock;
                partial class Job
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void Save(ImageAccess image) => {|#0:image.SetLength(0)|};
                }
                """,
                """
                using System;
                using ImageLock;
                partial class Job
                {
                    void Unrelated() { }

                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void Load(ImageAccess image)
                    {
                        Action a = () => {|#1:image.Write(0, default)|};
                        void Local() => {|#2:Save(image, 1)|};
                    }

                    [RequiresImageAccess(Perm.All, Unshare.All)]
                    void Save(ImageAccess image, int depth) { }
                }
                """,
            ],
            Permission.Diagnostic("IMGL0001").WithLocation(0).WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read, Unshare.Write", ""),
            Permission.Diagnostic("IMGL0001").WithLocation(1).WithArguments("Write", "Perm.Write", "Load", "Perm.Read, Unshare.Write", ""),
            Permission.Diagnostic("IMGL0002").WithLocation(2).WithArguments("Save", "Perm.All, Unshare.All", "Load", "Perm.Read, Unshare.Write", ""));

    [Fact]
    public Task An_escape_from_an_annotated_method_in_the_second_file_of_a_partial_class_is_reported() =>
        Escape.VerifyAnalyzerInFilesAsync(
            [
                """
                using ImageLock;
                partial class Job
                {
                    void Unrelated(ImageAccess image) => _saved = image; // not annotated: not tracked
                }
                """,
                """
                using ImageLock;
                partial class Job
                {
                    ImageAccess? _saved;

                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    void Keep(ImageAccess image) { _saved = {|#0:image|}; }
                }
                """,
            ],
            Escape.Diagnostic("IMGL0004").WithLocation(0).WithArguments("image", "is stored in field '_saved'"));

    [Fact]
    public Task A_partial_method_is_judged_by_the_attribute_on_either_of_its_declarations() =>
        Permission.VerifyAnalyzerInFilesAsync(
            [
                """
                using ImageLock;
                partial class Job
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    private partial void Load(ImageAccess image);

                    private partial void Save(ImageAccess image);
                }
                """,
                """
                using ImageLock;
                partial class Job
                {
                    private partial void Load(ImageAccess image) => {|#0:image.SetLength(0)|};

                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    private partial void Save(ImageAccess image) => {|#1:image.SetLength(0)|};
                }
                """,
            ],
            Permission.Diagnostic("IMGL0001").WithLocation(0).WithArguments("SetLength", "Perm.Resize", "Load", "Perm.Read, Unshare.Write", ""),
            Permission.Diagnostic("IMGL0001").WithLocation(1).WithArguments("SetLength", "Perm.Resize", "Save", "Perm.Read, Unshare.Write", ""));
}
