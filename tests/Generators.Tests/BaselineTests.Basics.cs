using System.Runtime.CompilerServices;
using ImageLock.Generators.Tests.Support;

namespace ImageLock.Generators.Tests;

/// <summary>Generated wrappers compared with checked-in baselines; each compilation must also be free of warnings.</summary>
public partial class BaselineTests
{
    /// <summary>Runs the generator, asserts the result compiles warning-free, and compares it with the baselines.</summary>
    private static void AssertBaseline(string source, [CallerMemberName] string testName = "")
    {
        var (result, output) = GeneratorHarness.Run(source);
        GeneratorHarness.AssertClean(output);
        var generated = GeneratorHarness.Generated(result);
        Assert.NotEmpty(generated);
        Baselines.Verify(generated, testName);
    }

    [Fact]
    public void InstanceVoid() => AssertBaseline("""
        using ImageLock;
        namespace Backup;
        public partial class Patcher
        {
            [RequiresImageAccess(Perm.Write, Unshare.Resize)]
            public void Patch(ImageAccess image, long offset, byte[] data) => image.Write(offset, data);
        }
        """);

    [Fact]
    public void StaticValueReturn() => AssertBaseline("""
        using ImageLock;
        namespace Backup
        {
            internal static partial class Header
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write | Unshare.Resize)]
                internal static int ReadMagic(ImageAccess image)
                {
                    var buffer = new byte[4];
                    image.Read(0, buffer);
                    return System.BitConverter.ToInt32(buffer);
                }
            }
        }
        """);

    [Fact]
    public void AsyncShapes() => AssertBaseline("""
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using ImageLock;
        namespace Backup;
        public partial class BackupJob
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write | Unshare.Resize)]
            public async Task CopyAsync(ImageAccess image, Stream destination, CancellationToken ct)
            {
                var buffer = new byte[4096];
                int read = await image.ReadAsync(0, buffer, ct);
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            [RequiresImageAccess(Perm.Read)]
            public Task<long> LengthAsync(ImageAccess image) => Task.FromResult(image.Length);

            [RequiresImageAccess(Perm.Write)]
            public ValueTask ZeroAsync(ImageAccess image, CancellationToken cancellationToken = default) =>
                image.WriteAsync(0, new byte[512], cancellationToken);

            [RequiresImageAccess(Perm.Read)]
            protected internal async ValueTask<int> FirstByteAsync(ImageAccess image)
            {
                var one = new byte[1];
                await image.ReadAsync(0, one);
                return one[0];
            }
        }
        """);

    [Fact]
    public void WaitPoliciesAndBackingChain() => AssertBaseline("""
        using System.Threading;
        using ImageLock;
        public partial class Waiting
        {
            [RequiresImageAccess(Perm.Read, WaitMilliseconds = 0)]
            public void Immediately(ImageAccess image) { }

            [RequiresImageAccess(Perm.Read, WaitMilliseconds = -1)]
            public void UntilCancelled(ImageAccess image, CancellationToken token) { }

            [RequiresImageAccess(Perm.Read | Perm.Write | Perm.Resize, Unshare.All, WaitMilliseconds = 2500, LockBackingChain = true)]
            public void Chain(ImageAccess image) { }

            [RequiresImageAccess(Perm.All, (Unshare)16, Justification = "odd bits are cast")]
            public void OddBits(ImageAccess image) { }
        }
        """);
}
