using System.Diagnostics.CodeAnalysis;
using ImageLock.Engine;
using ImageLock.Interop;
using Microsoft.Win32.SafeHandles;

namespace ImageLock;

/// <summary>
/// A held grant on one image: one open file description carrying read locks on bytes 100+i (perm) and 200+i
/// (unshare), taken and checked exactly as QEMU's file-posix driver does. Released on <see cref="Dispose"/>; a
/// forgotten lease is released when its descriptor is finalized.
/// </summary>
public sealed partial class ImageLease : IDisposable, IAsyncDisposable
{
    private readonly object _gate = new(); // serialises Change and Dispose
    private readonly OperationGate _operations = new();
    private readonly LockApi? _api;
    private readonly TimeSpan _holderScanBudget;
    private OpenedImage _image;
    private OpenedImage? _spare; // POSIX only: the other access mode's descriptor, kept since its close would drop every lock
    private LockBits _held;
    private bool _released;

    private ImageLease(string path, OpenedImage image, LockApi? api, LockBits held, Perm perm, Unshare unshare, LockingMode locking,
        TimeSpan holderScanBudget)
    {
        ImagePath = path;
        _image = image;
        _api = api;
        _held = held;
        _holderScanBudget = holderScanBudget;
        Perm = perm;
        Unshare = unshare;
        Locking = locking;
        Access = new ImageAccess(this);
    }

    /// <summary>The image, as the caller named it.</summary>
    public string ImagePath { get; }

    /// <summary>The permissions this lease uses.</summary>
    public Perm Perm { get; private set; }

    /// <summary>The permissions this lease forbids to others.</summary>
    public Unshare Unshare { get; private set; }

    /// <summary>The lock calls this lease uses.</summary>
    public LockingMode Locking { get; }

    /// <summary>The capability: I/O on the image that the grant allows.</summary>
    public ImageAccess Access { get; }

    /// <summary>True once the lease has been released.</summary>
    public bool IsReleased => Volatile.Read(ref _released);

    /// <summary>The lock bytes actually held right now (for tests and status).</summary>
    internal LockBits HeldBytes { get { lock (_gate) return _held; } }

    /// <summary>The current descriptor, unguarded: valid until the next <see cref="Change"/> or <see cref="Dispose"/>.</summary>
    internal SafeFileHandle Handle
    {
        get
        {
            if (IsReleased) throw Released();
            return Volatile.Read(ref _image).Handle;
        }
    }

    /// <summary>Starts one I/O operation needing <paramref name="needed"/>: until the returned scope is disposed, the
    /// descriptor stays open and the grant in force (Change and Dispose wait for it).</summary>
    internal Operation Enter(Perm needed, string operation, string requirement, bool any = false)
    {
        if (!_operations.TryEnter()) throw Released();
        var granted = Perm;
        bool ok = any ? (granted & needed) != 0 : (granted & needed) == needed;
        if (!ok)
        {
            _operations.Leave();
            throw new ImageAccessDeniedException(ImagePath, operation, requirement, granted, Unshare);
        }
        return new Operation(_operations, _image);
    }

    /// <summary>One I/O operation in flight on the lease's descriptor.</summary>
    internal readonly struct Operation(OperationGate gate, OpenedImage image) : IDisposable
    {
        public SafeFileHandle Handle => image.Handle;

        public int Fd => image.Fd;

        public void Dispose() => gate.Leave();
    }

    private ObjectDisposedException Released() =>
        new(nameof(ImageLease), $"The lease on [{ImagePath}] has been released; acquire a new one.");

    /// <summary>Acquires <paramref name="perm"/>/<paramref name="unshare"/> on the image, failing at once on a conflict as QEMU does.</summary>
    /// <exception cref="ImageLockConflictException">Another user holds a conflicting grant; the message is QEMU's.</exception>
    /// <exception cref="ImageLockException">The image cannot be opened or locked.</exception>
    public static ImageLease Acquire(string imagePath, Perm perm, Unshare unshare = Unshare.None) =>
        Acquire(imagePath, perm, unshare, ImageLockOptions.Default);

    /// <summary>Acquires, waiting for a conflicting holder as <paramref name="wait"/> says.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting; nothing is held.</exception>
    public static ImageLease Acquire(string imagePath, Perm perm, Unshare unshare, LockWait wait, CancellationToken cancellationToken = default) =>
        Acquire(imagePath, perm, unshare, ImageLockOptions.WithWait(wait), cancellationToken);

    /// <summary>Acquires with explicit options (locking mode, wait policy).</summary>
    public static ImageLease Acquire(string imagePath, Perm perm, Unshare unshare, ImageLockOptions options, CancellationToken cancellationToken = default) =>
        Run(Attempt.Start(imagePath, perm, unshare, options), options, cancellationToken);

    /// <summary>Acquires on a descriptor already opened (and checked) for a graph; the lease owns it from here on.</summary>
    internal static ImageLease Acquire(string imagePath, OpenedImage image, Perm perm, Unshare unshare, ImageLockOptions options,
        CancellationToken cancellationToken) =>
        Run(Attempt.Start(imagePath, image, perm, unshare, options), options, cancellationToken);

    private static ImageLease Run(Attempt attempt, ImageLockOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var failure = attempt.TryLock();
            var backoff = failure is null || options.Wait.FailsImmediately ? null : new Backoff(options.Wait);
            while (failure is { IsConflict: true } && backoff is not null && backoff.TryNext(out var delay))
            {
                if (cancellationToken.CanBeCanceled) cancellationToken.WaitHandle.WaitOne(delay);
                else Thread.Sleep(delay);
                cancellationToken.ThrowIfCancellationRequested();
                if (attempt.LooksClear()) failure = attempt.TryLock();
            }
            return attempt.Finish(failure);
        }
        catch
        {
            attempt.Abandon();
            throw;
        }
    }

    /// <summary>Acquires asynchronously, waiting for a conflicting holder as <paramref name="wait"/> says (default: fail at once).</summary>
    public static ValueTask<ImageLease> AcquireAsync(string imagePath, Perm perm, Unshare unshare = Unshare.None,
        LockWait? wait = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(imagePath, perm, unshare, ImageLockOptions.WithWait(wait ?? LockWait.None), cancellationToken);

    /// <summary>Acquires asynchronously with explicit options.</summary>
    public static async ValueTask<ImageLease> AcquireAsync(string imagePath, Perm perm, Unshare unshare,
        ImageLockOptions options, CancellationToken cancellationToken = default) =>
        await RunAsync(Attempt.Start(imagePath, perm, unshare, options), options, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc cref="Acquire(string, OpenedImage, Perm, Unshare, ImageLockOptions, CancellationToken)"/>
    internal static ValueTask<ImageLease> AcquireAsync(string imagePath, OpenedImage image, Perm perm, Unshare unshare,
        ImageLockOptions options, CancellationToken cancellationToken) =>
        RunAsync(Attempt.Start(imagePath, image, perm, unshare, options), options, cancellationToken);

    private static async ValueTask<ImageLease> RunAsync(Attempt attempt, ImageLockOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var failure = attempt.TryLock();
            var backoff = failure is null || options.Wait.FailsImmediately ? null : new Backoff(options.Wait);
            while (failure is { IsConflict: true } && backoff is not null
                   && await ProbeScheduler.WhenClearAsync(attempt.LooksClear, backoff, cancellationToken).ConfigureAwait(false))
                failure = attempt.TryLock();
            return attempt.Finish(failure);
        }
        catch
        {
            attempt.Abandon();
            throw;
        }
    }

    /// <summary>Tries once, as QEMU does. A conflict returns false with QEMU's message in <paramref name="conflict"/>;
    /// any other failure (missing file, unsupported filesystem) still throws.</summary>
    public static bool TryAcquire(string imagePath, Perm perm, Unshare unshare,
        [NotNullWhen(true)] out ImageLease? lease, [NotNullWhen(false)] out ImageLockConflictException? conflict)
    {
        try
        {
            lease = Acquire(imagePath, perm, unshare);
            conflict = null;
            return true;
        }
        catch (ImageLockConflictException e)
        {
            lease = null;
            conflict = e;
            return false;
        }
    }

    /// <summary>Releases the lease: waits for I/O in flight on other threads, unlocks every byte, then closes the
    /// descriptor. Later I/O throws <see cref="ObjectDisposedException"/>. Idempotent and thread-safe.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_released) return;
            Volatile.Write(ref _released, true);
            _operations.Shut(forGood: true);
            if (_api is LockApi api)
                LockProtocol.Apply(_image.Fd, api, ref _held, LockBits.Empty, unlock: true); // close() drops whatever this misses
            if (_spare is not null) PosixDescriptors.Close(_spare);
            PosixDescriptors.Close(_image);
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{ImagePath}: perm={PermNames.Format(Perm)} unshare={PermNames.Format(Unshare)}{(IsReleased ? " (released)" : "")}";

    /// <summary>QEMU opens O_RDWR only when the grant writes or resizes (raw_reconfigure_getfd).</summary>
    internal static bool NeedsReadWrite(Perm perm) => (perm & (Perm.Write | Perm.WriteUnchanged | Perm.Resize)) != 0;

    internal static void ValidateGrant(Perm perm, Unshare unshare)
    {
        if ((perm & ~Perm.All) != 0)
            throw new ArgumentOutOfRangeException(nameof(perm), perm, $"Perm 0x{(int)perm:x} has bits outside Perm.All (0xf); bytes 104/204 are never used.");
        if ((unshare & ~Unshare.All) != 0)
            throw new ArgumentOutOfRangeException(nameof(unshare), unshare, $"Unshare 0x{(int)unshare:x} has bits outside Unshare.All (0xf); bytes 104/204 are never used.");
    }
}
