using ImageLock.Engine;
using ImageLock.Interop;

namespace ImageLock;

/// <summary>
/// Who uses and who forbids what on an image. <see cref="Probe(string, bool)"/> tests each byte with F_OFD_GETLK only:
/// it takes no lock and can never make QEMU fail.
/// </summary>
public sealed class ImageStatus
{
    private readonly LockKey _file; // as /proc shows it; default when /proc/locks lists no lock on the file

    private ImageStatus(string path, LockKey file, Perm perm, Unshare unshare, bool legacyPerm, bool legacyUnshare,
        IReadOnlyList<LockHolder> holders, bool holdersComplete, IReadOnlyList<OtherLock> otherLocks)
    {
        _file = file;
        ImagePath = path;
        Perm = perm;
        Unshare = unshare;
        LegacyPerm = legacyPerm;
        LegacyUnshare = legacyUnshare;
        Holders = holders;
        HoldersComplete = holdersComplete;
        OtherLocks = otherLocks;
    }

    /// <summary>The image, as the caller named it.</summary>
    public string ImagePath { get; }

    /// <summary>Permission bytes (100+i) held by anyone other than the prober.</summary>
    public Perm Perm { get; }

    /// <summary>Unshare bytes (200+i) held by anyone other than the prober.</summary>
    public Unshare Unshare { get; }

    /// <summary>Byte 104 (QEMU &lt;= 6.2's "change children" perm) is held.</summary>
    public bool LegacyPerm { get; }

    /// <summary>Byte 204 (QEMU &lt;= 6.2's "change children" unshare) is held.</summary>
    public bool LegacyUnshare { get; }

    /// <summary>The descriptors whose fcntl locks cover QEMU's bytes, with pid, descriptor and command line, as far as
    /// /proc shows them (a whole-file lock is one too: QEMU sees it; <see cref="OtherLocks"/> says it is not QEMU's).</summary>
    public IReadOnlyList<LockHolder> Holders { get; }

    /// <summary>Every lock on the image that is not QEMU's protocol — flock locks, libvirt virtlockd's byte 0, other
    /// ranges, write locks on QEMU's bytes — with who holds it, as far as /proc shows them.</summary>
    public IReadOnlyList<OtherLock> OtherLocks { get; }

    /// <summary>False when some of /proc could not be read (another user's processes without root) and the locks found do
    /// not account for every lock /proc/locks lists on this image, so <see cref="Holders"/> or <see cref="OtherLocks"/>
    /// may miss someone; the byte state is complete either way.</summary>
    public bool HoldersComplete { get; }

    /// <summary>True when no byte of the protocol is held.</summary>
    public bool IsFree => Perm == Perm.None && Unshare == Unshare.None && !LegacyPerm && !LegacyUnshare;

    /// <summary>Would an acquisition of <paramref name="perm"/>/<paramref name="unshare"/> pass QEMU's check now?
    /// Returns the conflict QEMU would report first, or null.</summary>
    public (Perm Permission, bool Shared)? WouldConflict(Perm perm, Unshare unshare)
    {
        for (int i = 0; i < PermNames.Count; i++)
            if (((int)perm & (int)Unshare & (1 << i)) != 0) return ((Perm)(1 << i), false);
        for (int i = 0; i < PermNames.Count; i++)
            if (((int)unshare & (int)Perm & (1 << i)) != 0) return ((Perm)(1 << i), true);
        return null;
    }

    /// <summary>Probes <paramref name="imagePath"/>: which bytes others hold, and who holds them. In a process that holds
    /// POSIX locks on the image the probe goes through that lease's descriptor: opening and closing another one would
    /// drop all of them.</summary>
    /// <exception cref="ImageLockException">The image cannot be opened, or is not a regular file or block device.</exception>
    public static ImageStatus Probe(string imagePath, bool identifyHolders = true)
    {
        ImageOpener.ValidatePath(imagePath);
        var status = PosixDescriptors.Probe(imagePath, image => ProbeBytesOf(imagePath, image));
        return identifyHolders ? IdentifyHolders([status])[0] : status;
    }

    /// <summary>Probes through a descriptor already open on the image (a file of an image graph).</summary>
    internal static ImageStatus Probe(string imagePath, OpenedImage image, bool identifyHolders)
    {
        var status = ProbeBytesOf(imagePath, image);
        return identifyHolders ? IdentifyHolders([status])[0] : status;
    }

    /// <summary>A file of <see cref="HostScan"/>: bytes and holders from /proc, never probed (an unnamed file has path "").</summary>
    internal static ImageStatus FromHost(HostFile file) =>
        new(file.Path ?? "", default, file.Perm, file.Unshare, file.LegacyPerm, file.LegacyUnshare, file.Holders, file.HoldersComplete, file.Others);

    private static ImageStatus ProbeBytesOf(string imagePath, OpenedImage image)
    {
        var api = Syscalls.HasOfdLocks ? LockApi.Ofd : LockApi.Posix;
        int perm = ProbeBytes(imagePath, image.Fd, api, LockProtocol.PermBase, out bool legacyPerm);
        int unshare = ProbeBytes(imagePath, image.Fd, api, LockProtocol.SharedBase, out bool legacyUnshare);
        // A free image may still carry other locks (flock, virtlockd's byte 0): its key is worth finding only then.
        bool free = perm == 0 && unshare == 0 && !legacyPerm && !legacyUnshare;
        return new ImageStatus(imagePath, free && !HolderScan.AnyLockOn(image.Inode) ? default : LockKey.Of(image), (Perm)perm, (Unshare)unshare,
            legacyPerm, legacyUnshare, [], holdersComplete: true, []);
    }

    /// <summary>Fills in <see cref="Holders"/> and <see cref="OtherLocks"/> for many probed images with one pass over /proc
    /// (a pass costs as much as there are descriptors on the machine, so <c>imagelock status DIR</c> must not pay it per
    /// image). An image that /proc/locks lists no lock on costs no pass.</summary>
    public static IReadOnlyList<ImageStatus> IdentifyHolders(IReadOnlyList<ImageStatus> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var keys = statuses.Select(s => s._file).Where(k => k != default).Distinct().ToArray();
        if (keys.Length == 0) return statuses;
        var found = HolderScan.FindAll(keys);
        return statuses.Select(s => s._file == default || !found.TryGetValue(s._file, out var locks) ? s : new ImageStatus(s.ImagePath, s._file,
            s.Perm, s.Unshare, s.LegacyPerm, s.LegacyUnshare, locks.Holders, locks.Complete, locks.Others)).ToArray();
    }

    private static int ProbeBytes(string path, int fd, LockApi api, int baseByte, out bool legacy)
    {
        int bits = 0;
        legacy = false;
        // One test over the five bytes (four permissions + legacy) answers the common "nothing held" case.
        int rangeErr = Syscalls.TestLock(fd, api, baseByte, PermNames.Count + 1, out var range);
        if (rangeErr == 0 && !range.Held) return 0;
        for (int i = 0; i <= PermNames.Count; i++)
        {
            int err = Syscalls.TestLock(fd, api, baseByte + i, 1, out var probe);
            if (err != 0)
                throw new ImageLockUnsupportedException(path,
                    $"Failed to test byte {baseByte + i} of [{path}]: {Syscalls.Describe(err)}. The filesystem may not support byte-range locks.", err);
            if (!probe.Held) continue;
            if (i == PermNames.Count) legacy = true;
            else bits |= 1 << i;
        }
        return bits;
    }
}
