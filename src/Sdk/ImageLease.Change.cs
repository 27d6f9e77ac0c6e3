using ImageLock.Engine;
using ImageLock.Interop;

namespace ImageLock;

public sealed partial class ImageLease
{
    /// <summary>
    /// Changes the grant of a held lease with QEMU's prepare/commit/abort: lock the union of old and new bytes, check
    /// the new set, then drop the surplus; on failure the lease holds exactly the old set again. When the new grant
    /// needs another access mode (read-only to read-write or back) a new descriptor is opened and the new set copied
    /// to it before the old one is closed, so at no moment are fewer bytes held than either set.
    /// </summary>
    /// <exception cref="ImageLockConflictException">The new grant conflicts; the old grant is still held.</exception>
    public void Change(Perm perm, Unshare unshare)
    {
        ValidateGrant(perm, unshare);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_released, this);
            var wanted = LockBits.Of(perm, unshare);
            OpenedImage? next = NeedsReadWrite(perm) != NeedsReadWrite(Perm) ? ReopenSameImage(perm) : null;
            try
            {
                if (_api is LockApi api) ChangeLocks(api, wanted, ref next);
                else if (next is not null) (_image, next) = (next, _image);
                (Perm, Unshare) = (perm, unshare);
            }
            finally
            {
                next?.Dispose(); // the new descriptor after an abort, or the old one after a commit
            }
        }
    }

    private void ChangeLocks(LockApi api, LockBits wanted, ref OpenedImage? next)
    {
        var old = _held;
        if (!wanted.OnlyRelaxes(old)) // RAW_PL_PREPARE; relaxing needs no check
        {
            var failure = LockProtocol.Prepare(_image.Fd, api, ref _held, old.Union(wanted), wanted);
            if (failure is LockFailure f) throw Failures.ToException(ImagePath, f, _image);
        }
        if (next is null)
        {
            LockProtocol.Apply(_image.Fd, api, ref _held, wanted, unlock: true); // RAW_PL_COMMIT
            return;
        }

        var copied = LockBits.Empty; // copy the new set to the new descriptor, unchecked, as QEMU does
        if (LockProtocol.Apply(next.Fd, api, ref copied, wanted, unlock: false) is LockFailure copyFailure)
        {
            LockProtocol.Apply(next.Fd, api, ref copied, LockBits.Empty, unlock: true);
            LockProtocol.Apply(_image.Fd, api, ref _held, old, unlock: true); // RAW_PL_ABORT
            throw Failures.ToException(ImagePath, copyFailure, next);
        }
        (_image, next) = (next, _image); // commit: the caller's finally closes the old descriptor
        _held = copied;
        if (!api.IsOfd)
        {
            // POSIX locks belong to the process: closing the old descriptor drops them all, so lock again after it.
            next.Dispose();
            var relocked = LockBits.Empty;
            LockProtocol.Apply(_image.Fd, api, ref relocked, wanted, unlock: false);
            _held = relocked;
        }
    }

    /// <summary>raw_reconfigure_getfd: a new descriptor with the access mode the new grant needs, on the same inode.</summary>
    private OpenedImage ReopenSameImage(Perm perm)
    {
        var next = ImageOpener.Open(ImagePath, NeedsReadWrite(perm));
        if (next.Device == _image.Device && next.Inode == _image.Inode) return next;
        next.Dispose();
        throw new ImageLockException(ImagePath,
            $"[{ImagePath}] was replaced by another file since the lease was taken; the lease still holds the old file. Release it and acquire again.");
    }
}
