using ImageLock.Engine;
using ImageLock.Interop;

namespace ImageLock;

public sealed partial class ImageLease
{
    /// <summary>
    /// Changes the grant of a held lease with QEMU's prepare/commit/abort: lock the union of old and new bytes, check
    /// the new set, then drop the surplus; on failure the lease holds exactly the old set again. When the new grant
    /// needs another access mode (read-only to read-write or back) a new descriptor is opened and the new set copied
    /// to it before the old one is closed, so at no moment are fewer bytes held than either set. I/O in flight on other
    /// threads finishes first, under the old grant, and I/O started meanwhile waits for the change (QEMU drains too).
    /// </summary>
    /// <exception cref="ImageLockConflictException">The new grant conflicts; the old grant is still held.</exception>
    public void Change(Perm perm, Unshare unshare)
    {
        ValidateGrant(perm, unshare);
        lock (_gate)
        {
            if (_released) throw Released();
            var wanted = LockBits.Of(perm, unshare);
            // Opened before I/O is held up: an open may be slow.
            OpenedImage? next = NeedsReadWrite(perm) != NeedsReadWrite(Perm) ? OtherDescriptor(perm) : null;
            LockFailure? refused = null;
            _operations.Shut(forGood: false);
            try
            {
                if (_api is LockApi api) refused = ChangeLocks(api, wanted, ref next);
                else if (next is not null) (_image, next) = (next, _image);
                if (refused is null) (Perm, Unshare) = (perm, unshare);
            }
            finally
            {
                _operations.Reopen();
                // The new descriptor after an abort, or the old one after a commit; POSIX keeps it, as closing drops all.
                if (next is not null && _api is { IsOfd: false }) _spare = next;
                else if (next is not null) PosixDescriptors.Close(next);
            }
            // Named after I/O resumed: naming holders may take up to the scan budget.
            if (refused is LockFailure failure) throw Failures.ToException(ImagePath, failure, _image, _api, _holderScanBudget);
        }
    }

    private LockFailure? ChangeLocks(LockApi api, LockBits wanted, ref OpenedImage? next)
    {
        var old = _held;
        if (!wanted.OnlyRelaxes(old)) // RAW_PL_PREPARE; relaxing needs no check
        {
            var failure = LockProtocol.Prepare(_image.Fd, api, ref _held, old.Union(wanted), wanted);
            if (failure is LockFailure f) return f;
        }
        if (next is null || !api.IsOfd)
        {
            // POSIX locks belong to the process, not the descriptor: committing through the new one is the same.
            LockProtocol.Apply((next ?? _image).Fd, api, ref _held, wanted, unlock: true); // RAW_PL_COMMIT
            if (next is not null) (_image, next) = (next, _image);
            return null;
        }

        var copied = LockBits.Empty; // copy the new set to the new descriptor, unchecked, as QEMU does
        if (LockProtocol.Apply(next.Fd, api, ref copied, wanted, unlock: false) is LockFailure copyFailure)
        {
            LockProtocol.Apply(next.Fd, api, ref copied, LockBits.Empty, unlock: true);
            LockProtocol.Apply(_image.Fd, api, ref _held, old, unlock: true); // RAW_PL_ABORT
            return copyFailure;
        }
        (_image, next) = (next, _image); // commit: the caller closes the old descriptor
        _held = copied;
        return null;
    }

    /// <summary>raw_reconfigure_getfd: a descriptor with the access mode the new grant needs, on the same inode. Under
    /// POSIX locks the other mode's descriptor, once opened, is kept and reused.</summary>
    private OpenedImage OtherDescriptor(Perm perm)
    {
        if (_spare is OpenedImage spare)
        {
            _spare = null;
            return spare;
        }
        return PosixDescriptors.OpenForLease(ImagePath, NeedsReadWrite(perm), posix: _api is { IsOfd: false }, sameAs: _image);
    }
}
