using System.Reflection;
using ImageLock.Generators.Tests.Support;

namespace ImageLock.Generators.Tests;

/// <summary>
/// Generated wrappers compiled and run against the real engine on real files: the lease is held exactly while the body
/// runs (probed from another descriptor), released on every way out, and a conflict stops the body from running.
/// </summary>
public sealed class BehaviourTests : IDisposable
{
    private const string Source = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ImageLock;

        public static partial class Bodies
        {
            public static Action<ImageAccess>? During;
            public static int Runs;

            [RequiresImageAccess(Perm.Write, Unshare.Resize)]
            public static void Sync(ImageAccess image) { Runs++; During?.Invoke(image); }

            [RequiresImageAccess(Perm.Write, Unshare.Resize)]
            public static int Throws(ImageAccess image) { Runs++; During?.Invoke(image); throw new InvalidOperationException("body failed"); }

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public static async Task<int> AsyncBody(ImageAccess image, Task gate) { Runs++; During?.Invoke(image); await gate; return 42; }

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public static Task NotAsyncBody(ImageAccess image, Task gate) { Runs++; During?.Invoke(image); return gate; }

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public static async ValueTask ThrowsAsync(ImageAccess image, Task gate) { Runs++; await gate; throw new InvalidOperationException("async body failed"); }

            [RequiresImageAccess(Perm.Read, Unshare.Write, WaitMilliseconds = -1)]
            public static void WaitsForever(ImageAccess image, CancellationToken cancellationToken) { Runs++; }

            [RequiresImageAccess(Perm.Read, Unshare.Write, WaitMilliseconds = -1)]
            public static Task WaitsForeverAsync(ImageAccess image, CancellationToken cancellationToken) { Runs++; return Task.CompletedTask; }

            [RequiresImageAccess(Perm.Read, Unshare.Write, WaitMilliseconds = 5000)]
            public static void WaitsBriefly(ImageAccess image) { Runs++; During?.Invoke(image); }
        }
        """;

    private static readonly Lazy<Assembly> Compiled = new(() => CompiledAssembly.Build(Source));
    private static readonly SemaphoreSlim OneAtATime = new(1, 1); // the Bodies statics are shared by these tests
    private readonly TempImage _image = new();
    private readonly Type _bodies;

    public BehaviourTests()
    {
        OneAtATime.Wait();
        _bodies = Compiled.Value.GetType("Bodies", throwOnError: true)!;
        SetDuring(null);
        _bodies.GetField("Runs")!.SetValue(null, 0);
    }

    public void Dispose()
    {
        _image.Dispose();
        OneAtATime.Release();
    }

    private int Runs => (int)_bodies.GetField("Runs")!.GetValue(null)!;

    private void SetDuring(Action<ImageAccess>? during) => _bodies.GetField("During")!.SetValue(null, during);

    /// <summary>The generated overload: same name, the ImageAccess parameter replaced by a string.</summary>
    private T Wrapper<T>(string name) where T : Delegate
    {
        var parameters = typeof(T).GetMethod("Invoke")!.GetParameters().Select(p => p.ParameterType).ToArray();
        var method = _bodies.GetMethod(name, parameters);
        Assert.NotNull(method);
        Assert.Equal(typeof(string), method.GetParameters()[0].ParameterType);
        return method.CreateDelegate<T>();
    }

    [Fact]
    public void LeaseIsHeldWhileTheBodyRunsAndReleasedAfter()
    {
        (Perm, Unshare)? during = null;
        SetDuring(_ => during = _image.Held());

        Wrapper<Action<string>>("Sync")(_image.Path);

        Assert.Equal(1, Runs);
        Assert.Equal((Perm.Write, Unshare.Resize), during);
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
    }

    [Fact]
    public void TheBodyGetsTheCapabilityOfTheNamedImageWithTheDeclaredGrant()
    {
        ImageAccess? seen = null;
        SetDuring(access => seen = access);

        Wrapper<Action<string>>("Sync")(_image.Path);

        Assert.NotNull(seen);
        Assert.Equal(_image.Path, seen.ImagePath);
        Assert.Equal(Perm.Write, seen.Perm);
        Assert.Equal(Unshare.Resize, seen.Unshare);
    }

    [Fact]
    public void LeaseIsReleasedWhenTheBodyThrows()
    {
        (Perm, Unshare)? during = null;
        SetDuring(_ => during = _image.Held());

        var failure = Assert.Throws<InvalidOperationException>(() => Wrapper<Func<string, int>>("Throws")(_image.Path));

        Assert.Equal("body failed", failure.Message);
        Assert.Equal((Perm.Write, Unshare.Resize), during);
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
    }

    [Theory]
    [InlineData("AsyncBody")]
    [InlineData("NotAsyncBody")]
    public async Task LeaseIsHeldUntilTheReturnedTaskCompletes(string name)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var method = _bodies.GetMethod(name, [typeof(string), typeof(Task)])!;

        var running = (Task)method.Invoke(null, [_image.Path, gate.Task])!;
        Assert.Equal(1, Runs);
        Assert.False(running.IsCompleted);
        Assert.Equal((Perm.Read, Unshare.Write), _image.Held()); // the body has returned or suspended: still held

        gate.SetResult();
        await running;
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
        if (running is Task<int> withValue) Assert.Equal(42, await withValue);
    }

    [Fact]
    public async Task LeaseIsReleasedWhenAnAsyncBodyFaults()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Wrapper<Func<string, Task, ValueTask>>("ThrowsAsync")(_image.Path, gate.Task).AsTask();
        Assert.Equal((Perm.Read, Unshare.Write), _image.Held());

        gate.SetResult();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => running);

        Assert.Equal("async body failed", failure.Message);
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
    }

    [Fact]
    public void AConflictingHolderMakesTheWrapperThrowBeforeTheBodyRuns()
    {
        using (ImageLease.Acquire(_image.Path, Perm.Read, Unshare.Write))
        {
            var conflict = Assert.Throws<ImageLockConflictException>(() => Wrapper<Action<string>>("Sync")(_image.Path));

            Assert.Equal(Perm.Write, conflict.Permission);
            Assert.Equal(0, Runs);
            Assert.Equal((Perm.Read, Unshare.Write), _image.Held()); // only the holder's bytes: the wrapper kept nothing
        }
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
    }

    [Fact]
    public void ACancelledWaitThrowsAndLeavesNothingHeld()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        using (ImageLease.Acquire(_image.Path, Perm.Write))
        {
            var waiting = Wrapper<Action<string, CancellationToken>>("WaitsForever");
            Assert.ThrowsAny<OperationCanceledException>(() => waiting(_image.Path, cancel.Token));

            Assert.True(cancel.IsCancellationRequested);
            Assert.Equal(0, Runs);
            Assert.Equal((Perm.Write, Unshare.None), _image.Held());
        }
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
    }

    [Fact]
    public async Task ACancelledAsyncWaitThrowsAndLeavesNothingHeld()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        using (ImageLease.Acquire(_image.Path, Perm.Write))
        {
            var waiting = Wrapper<Func<string, CancellationToken, Task>>("WaitsForeverAsync");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting(_image.Path, cancel.Token));

            Assert.Equal(0, Runs);
            Assert.Equal((Perm.Write, Unshare.None), _image.Held());
        }
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
    }

    [Fact]
    public async Task AWaitingWrapperRunsTheBodyOnceTheHolderLeaves()
    {
        (Perm, Unshare)? during = null;
        SetDuring(_ => during = _image.Held());
        var holder = ImageLease.Acquire(_image.Path, Perm.Write);
        var waiting = Task.Run(() => Wrapper<Action<string>>("WaitsBriefly")(_image.Path));

        await Task.Delay(100);
        Assert.Equal(0, Runs);
        holder.Dispose();
        await waiting;

        Assert.Equal(1, Runs);
        Assert.Equal((Perm.Read, Unshare.Write), during);
        Assert.Equal((Perm.None, Unshare.None), _image.Held());
    }
}
