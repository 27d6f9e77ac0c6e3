using ImageLock.Engine;
using System.Diagnostics.CodeAnalysis;
using ImageLock.Graph;

namespace ImageLock;

/// <summary>
/// An image held the way QEMU holds it: every file QEMU opens for the image in the given format — the image's file,
/// a qcow2 image's external data file, each backing image's files — each with the grant QEMU takes for its role
/// (docs/protocol.md, "The image graph"), and nothing QEMU would not open. The grant passed to Acquire is what
/// the image's user asks for, as a QEMU user (qemu-io, a guest disk) asks.
/// Released together; a conflict on any file releases everything taken.
/// </summary>
public sealed class ImageGraphLease : IDisposable, IAsyncDisposable
{
    private ImageGraphLease(string imagePath, ImageFormat format, Perm perm, Unshare unshare,
        IReadOnlyList<ImageGraphFile> files, IReadOnlyList<ImageLease> leases, IReadOnlyList<string> notes)
    {
        ImagePath = imagePath;
        Format = format;
        Perm = perm;
        Unshare = unshare;
        Files = files;
        Leases = leases;
        Notes = notes;
    }

    /// <summary>The image, as the caller named it.</summary>
    public string ImagePath { get; }

    /// <summary>The image's format, as the caller gave it.</summary>
    public ImageFormat Format { get; }

    /// <summary>The permissions the image's user asked for.</summary>
    public Perm Perm { get; }

    /// <summary>The permissions the image's user forbids to others.</summary>
    public Unshare Unshare { get; }

    /// <summary>Every file held: the image's file first, then its data file, then each backing image's files, nearest first.</summary>
    public IReadOnlyList<ImageGraphFile> Files { get; }

    /// <summary>The lease on each file, in the order of <see cref="Files"/>.</summary>
    public IReadOnlyList<ImageLease> Leases { get; }

    /// <summary>Links of the graph QEMU follows without opening a local file (a backing image served over NBD, ...):
    /// QEMU takes no file locks there and neither does this lease. One sentence each.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The lease on the image's own file.</summary>
    public ImageLease Top => Leases[0];

    /// <summary>The capability on the image's own file.</summary>
    public ImageAccess Access => Top.Access;

    /// <summary>The descriptors of every file held (for a child process that must inherit the locks).</summary>
    internal IReadOnlyList<int> Descriptors => Leases.Select(l => (int)l.Handle.DangerousGetHandle()).ToArray();

    /// <summary>Acquires the image's graph, failing at once on a conflict as QEMU does.</summary>
    /// <exception cref="ImageLockConflictException">A file of the graph is held in a conflicting way; nothing stays held.</exception>
    /// <exception cref="Qcow2FormatException">QEMU would not open the image (corrupt header, unsupported feature, a loop).</exception>
    /// <exception cref="ImageLockException">A file of the graph cannot be opened or locked.</exception>
    public static ImageGraphLease Acquire(string imagePath, ImageFormat format, Perm perm, Unshare unshare = Unshare.None) =>
        Acquire(imagePath, format, perm, unshare, ImageLockOptions.Default);

    /// <summary>Acquires, waiting for conflicting holders as <paramref name="wait"/> says (file by file, in the order of <see cref="Files"/>).</summary>
    public static ImageGraphLease Acquire(string imagePath, ImageFormat format, Perm perm, Unshare unshare, LockWait wait,
        CancellationToken cancellationToken = default) =>
        Acquire(imagePath, format, perm, unshare, ImageLockOptions.WithWait(wait), cancellationToken);

    /// <summary>Acquires with explicit options (locking mode, wait policy).</summary>
    public static ImageGraphLease Acquire(string imagePath, ImageFormat format, Perm perm, Unshare unshare, ImageLockOptions options,
        CancellationToken cancellationToken = default) =>
        Acquire(imagePath, format, perm, unshare, options, refuseQcow2Header: false, cancellationToken);

    /// <summary>With <paramref name="refuseQcow2Header"/>, a raw image whose first bytes are a qcow2 header is refused
    /// (imagelock without -f): its header is probed through the descriptor that is then locked, so it is opened once.</summary>
    internal static ImageGraphLease Acquire(string imagePath, ImageFormat format, Perm perm, Unshare unshare, ImageLockOptions options,
        bool refuseQcow2Header, CancellationToken cancellationToken)
    {
        ImageLease.ValidateGrant(perm, unshare);
        ArgumentNullException.ThrowIfNull(options);
        var plan = GraphWalker.Open(imagePath, format, perm, unshare, readOnly: false, refuseQcow2Header);
        var leases = new List<ImageLease>(plan.Files.Count);
        try
        {
            foreach (var (file, image) in plan.Files)
                leases.Add(ImageLease.Acquire(file.Path, image, file.Perm, file.Unshare, options, cancellationToken));
        }
        catch
        {
            Release(leases, plan);
            throw;
        }
        return new ImageGraphLease(imagePath, format, perm, unshare, plan.Files.Select(f => f.File).ToArray(), leases, plan.Notes.ToArray());
    }

    /// <inheritdoc cref="Acquire(string, ImageFormat, Perm, Unshare, LockWait, CancellationToken)"/>
    public static ValueTask<ImageGraphLease> AcquireAsync(string imagePath, ImageFormat format, Perm perm, Unshare unshare = Unshare.None,
        LockWait? wait = null, CancellationToken cancellationToken = default) =>
        AcquireAsync(imagePath, format, perm, unshare, ImageLockOptions.WithWait(wait ?? LockWait.None), cancellationToken);

    /// <inheritdoc cref="Acquire(string, ImageFormat, Perm, Unshare, ImageLockOptions, CancellationToken)"/>
    public static async ValueTask<ImageGraphLease> AcquireAsync(string imagePath, ImageFormat format, Perm perm, Unshare unshare,
        ImageLockOptions options, CancellationToken cancellationToken = default)
    {
        ImageLease.ValidateGrant(perm, unshare);
        ArgumentNullException.ThrowIfNull(options);
        var plan = GraphWalker.Open(imagePath, format, perm, unshare, readOnly: false);
        var leases = new List<ImageLease>(plan.Files.Count);
        try
        {
            foreach (var (file, image) in plan.Files)
                leases.Add(await ImageLease.AcquireAsync(file.Path, image, file.Perm, file.Unshare, options, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            Release(leases, plan);
            throw;
        }
        return new ImageGraphLease(imagePath, format, perm, unshare, plan.Files.Select(f => f.File).ToArray(), leases, plan.Notes.ToArray());
    }

    /// <summary>Tries once, as QEMU does: a conflict returns false with QEMU's message; any other failure still throws.</summary>
    public static bool TryAcquire(string imagePath, ImageFormat format, Perm perm, Unshare unshare,
        [NotNullWhen(true)] out ImageGraphLease? lease, [NotNullWhen(false)] out ImageLockConflictException? conflict)
    {
        try
        {
            lease = Acquire(imagePath, format, perm, unshare);
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

    /// <summary>Releases every file, the deepest backing file first.</summary>
    public void Dispose()
    {
        for (int i = Leases.Count - 1; i >= 0; i--) Leases[i].Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Join("\n", Files.Select(f => f.ToString()).Concat(Notes));

    /// <summary>After a failure: releases the leases taken and closes the files not reached. The file that failed was
    /// closed by its own acquisition.</summary>
    private static void Release(List<ImageLease> leases, GraphPlan plan)
    {
        foreach (var lease in leases) lease.Dispose();
        foreach (var rest in plan.Files.Skip(leases.Count + 1)) PosixDescriptors.Close(rest.Image);
    }
}
