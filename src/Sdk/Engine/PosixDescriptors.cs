using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>
/// The descriptors through which this process holds, or is taking, POSIX locks, by inode. A POSIX lock belongs to the
/// process, and closing <em>any</em> descriptor of the file drops all of them; so every descriptor the engine opens
/// or closes on an image goes through here. A probe borrows a registered descriptor instead of opening one, and a
/// descriptor that was opened on such an inode anyway (a path replaced in between) stays open until the last
/// registered descriptor of the inode is closed.
/// </summary>
internal static class PosixDescriptors
{
    private static readonly object Gate = new();
    private static readonly Dictionary<FileIdentity, Entry> ByInode = [];

    private sealed class Entry
    {
        // Weak: a forgotten lease must still be finalized, which closes its descriptor and so drops its locks.
        public readonly List<WeakReference<OpenedImage>> Locking = [];
        public readonly List<OpenedImage> Parked = [];
    }

    /// <summary>Opens the image for a lease. <paramref name="posix"/> registers it before any lock is taken.
    /// <paramref name="sameAs"/> (a lease's reopen) demands the same inode; otherwise an inode this process already
    /// holds POSIX locks on is refused, since the new descriptor's close would drop them.</summary>
    public static OpenedImage OpenForLease(string path, bool readWrite, bool posix, OpenedImage? sameAs = null)
    {
        lock (Gate)
        {
            var image = ImageOpener.Open(path, readWrite);
            var id = Identity(image);
            if (sameAs is not null && id != Identity(sameAs))
            {
                CloseLocked(image);
                throw new ImageLockException(path,
                    $"[{path}] was replaced by another file since the lease was taken; the lease still holds the old file. Release it and acquire again.");
            }
            if (sameAs is null) return AdoptLocked(path, image, posix);
            if (posix) Add(id, image);
            return image;
        }
    }

    /// <summary>Takes over a descriptor opened elsewhere (a file of an image graph, whose header was read through it) for
    /// a lease, with the checks and registration of <see cref="OpenForLease"/>; on refusal it is closed.</summary>
    public static OpenedImage AdoptForLease(string path, OpenedImage image, bool posix)
    {
        lock (Gate) return AdoptLocked(path, image, posix);
    }

    /// <summary>A new descriptor for a lease: refused (and closed) on an inode this process already holds POSIX locks on.</summary>
    private static OpenedImage AdoptLocked(string path, OpenedImage image, bool posix)
    {
        var id = Identity(image);
        if (Borrow(id) is not null)
        {
            CloseLocked(image);
            throw new ImageLockException(path,
                $"This process already holds POSIX locks on [{path}]; another descriptor of it would drop them all when closed. " +
                "Pass the first lease's ImageAccess on instead of acquiring again, or use OFD locks (LockingMode.Ofd).");
        }
        if (posix) Add(id, image);
        return image;
    }

    /// <summary>Runs <paramref name="probe"/> on a descriptor of the image: this process's POSIX descriptor of it when
    /// there is one, else a fresh read-only one, closed afterwards unless POSIX locks of this process live on it.</summary>
    public static T Probe<T>(string path, Func<OpenedImage, T> probe)
    {
        lock (Gate)
        {
            if (ByInode.Count > 0 && PathStat.Identity(path, out var id) == 0 && Borrow(id) is OpenedImage held)
                return probe(held);
            var image = ImageOpener.Open(path, readWrite: false);
            try
            {
                return probe(Borrow(Identity(image)) ?? image); // replaced between stat and open: still never drop locks
            }
            finally
            {
                CloseLocked(image);
            }
        }
    }

    /// <summary>Closes a descriptor the engine opened: unregisters it, and closes it unless other registered
    /// descriptors of its inode remain (then it waits for them, parked).</summary>
    public static void Close(OpenedImage image)
    {
        lock (Gate) CloseLocked(image);
    }

    private static void CloseLocked(OpenedImage image)
    {
        var id = Identity(image);
        if (!ByInode.TryGetValue(id, out var entry))
        {
            image.Dispose();
            return;
        }
        entry.Locking.RemoveAll(w => !w.TryGetTarget(out var i) || ReferenceEquals(i, image) || i.Handle.IsClosed);
        if (entry.Locking.Count > 0)
        {
            if (!entry.Parked.Any(i => ReferenceEquals(i, image))) entry.Parked.Add(image);
            return;
        }
        image.Dispose();
        foreach (var parked in entry.Parked) parked.Dispose();
        ByInode.Remove(id);
    }

    private static void Add(FileIdentity id, OpenedImage image)
    {
        if (!ByInode.TryGetValue(id, out var entry)) ByInode[id] = entry = new Entry();
        entry.Locking.Add(new WeakReference<OpenedImage>(image));
    }

    private static OpenedImage? Borrow(FileIdentity id)
    {
        if (!ByInode.TryGetValue(id, out var entry)) return null;
        foreach (var weak in entry.Locking)
            if (weak.TryGetTarget(out var image) && !image.Handle.IsClosed) return image;
        return null;
    }

    private static FileIdentity Identity(OpenedImage image) => new(image.Device, image.Inode);
}
