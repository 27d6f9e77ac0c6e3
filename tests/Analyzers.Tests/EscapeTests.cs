using Verify = ImageLock.Analyzers.Tests.ImageLockVerifier<ImageLock.Analyzers.EscapeAnalyzer, Microsoft.CodeAnalysis.Testing.EmptyCodeFixProvider>;

namespace ImageLock.Analyzers.Tests;

/// <summary>IMGL0004: the capability outliving the call that holds the lease.</summary>
public class EscapeTests
{
    [Fact]
    public Task Stored_in_field_or_property_or_returned_is_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using ImageLock;
            partial class Job
            {
                ImageAccess? _saved;
                ImageAccess? Last { get; set; }

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                ImageAccess Keep(ImageAccess image)
                {
                    _saved = {|#0:image|};
                    Last = {|#1:image|};
                    return {|#2:image|};
                }
            }
            """,
            Verify.Diagnostic("IMGL0004").WithLocation(0).WithArguments("image", "is stored in field '_saved'"),
            Verify.Diagnostic("IMGL0004").WithLocation(1).WithArguments("image", "is stored in property 'Last'"),
            Verify.Diagnostic("IMGL0004").WithLocation(2).WithArguments("image", "is returned"));

    [Fact]
    public Task Deferred_queries_over_the_capability_that_leave_the_method_are_reported() =>
        Verify.VerifyAnalyzerAsync("""
            using System.Collections.Generic;
            using System.Linq;
            using ImageLock;
            partial class Job
            {
                IEnumerable<int>? _pending;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                IEnumerable<long> Sizes(ImageAccess image, long[] offsets) =>
                    offsets.Where(o => o > 0).Select({|#0:o => image.Length - o|});

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                IEnumerable<int> Blocks(ImageAccess image, long[] offsets) =>
                    from o in offsets where o >= 0 select {|#1:image.Read(o, new byte[1])|};

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                void Later(ImageAccess image, long[] offsets) =>
                    _pending = offsets.Select({|#2:o => image.Read(o, new byte[1])|}).Where(n => n > 0);

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                IEnumerable<ImageAccess> Copies(ImageAccess image) => Enumerable.Repeat({|#3:image|}, 2);

                // Materialized before the lease is released: fine.
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                List<long> Now(ImageAccess image, long[] offsets) => offsets.Select(o => image.Length - o).ToList();

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                long[] NowArray(ImageAccess image, long[] offsets) => offsets.Select(o => image.Length - o).ToArray();
            }
            """,
            Verify.Diagnostic("IMGL0004").WithLocation(0).WithArguments("image", "is captured by a lambda that is used by a deferred query that is returned"),
            Verify.Diagnostic("IMGL0004").WithLocation(1).WithArguments("image", "is captured by a lambda that is used by a deferred query that is returned"),
            Verify.Diagnostic("IMGL0004").WithLocation(2).WithArguments("image", "is captured by a lambda that is used by a deferred query that is stored in field '_pending'"),
            Verify.Diagnostic("IMGL0004").WithLocation(3).WithArguments("image", "is used by a deferred query that is returned"));

    [Fact]
    public Task Lambdas_and_local_functions_that_capture_it_and_escape_are_reported_once() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using ImageLock;
            partial class Job
            {
                Action? _later;
                event Action? Done;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                Func<long> Schedule(ImageAccess image)
                {
                    _later = {|#0:() => { image.Flush(); image.Flush(); }|};
                    Done += {|#1:Local|};
                    return {|#2:() => image.Length|};
                    void Local() => image.Flush();
                }
            }
            """,
            Verify.Diagnostic("IMGL0004").WithLocation(0).WithArguments("image", "is captured by a lambda that is stored in field '_later'"),
            Verify.Diagnostic("IMGL0004").WithLocation(1).WithArguments("image", "is captured by local function 'Local', which is subscribed to event 'Done'"),
            Verify.Diagnostic("IMGL0004").WithLocation(2).WithArguments("image", "is captured by a lambda that is returned"));

    [Fact]
    public Task Uses_within_the_call_are_silent() =>
        Verify.VerifyAnalyzerAsync("""
            using System;
            using System.Linq;
            using ImageLock;
            partial class Job
            {
                long _length;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                long Measure(ImageAccess image)
                {
                    var local = image;                            // locals die with the call
                    _length = image.Length;                       // storing a value read from it is fine
                    Func<long> f = () => image.Length;            // lambda used and dropped inside the call
                    long total = new[] { 1, 2 }.Sum(i => image.Length);
                    Helper(image);
                    return f() + total;
                }

                static void Helper(ImageAccess image) { }

                ImageAccess Unannotated(ImageAccess image) => image; // not a lease body: nothing releases under it
            }
            """);
}
