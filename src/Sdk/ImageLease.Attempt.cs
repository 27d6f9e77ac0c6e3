using ImageLock.Engine;
using ImageLock.Interop;

namespace ImageLock;

public sealed partial class ImageLease
{
    /// <summary>One acquisition in progress: the descriptor stays open across retries, holding no lock while waiting.</summary>
    private sealed class Attempt
    {
        private readonly string _path;
        private readonly Perm _perm;
        private readonly Unshare _unshare;
        private readonly LockingMode _locking;
        private readonly LockApi? _api;
        private readonly OpenedImage _image;
        private readonly TimeSpan _holderScanBudget;
        private LockBits _held;

        private Attempt(string path, Perm perm, Unshare unshare, LockingMode locking, LockApi? api, OpenedImage image, TimeSpan holderScanBudget)
        {
            (_path, _perm, _unshare, _locking, _api, _image, _holderScanBudget) = (path, perm, unshare, locking, api, image, holderScanBudget);
        }

        public static Attempt Start(string path, Perm perm, Unshare unshare, ImageLockOptions options)
        {
            ImageOpener.ValidatePath(path);
            ValidateGrant(perm, unshare);
            ArgumentNullException.ThrowIfNull(options);
            var api = LockingModes.Resolve(options.Locking, path);
            var image = PosixDescriptors.OpenForLease(path, NeedsReadWrite(perm), posix: api is { IsOfd: false });
            return new Attempt(path, perm, unshare, options.Locking, api, image, options.HolderScanBudget);
        }

        /// <summary>An attempt on a descriptor opened by the caller; it is disposed when the attempt is abandoned.</summary>
        public static Attempt Start(string path, OpenedImage image, Perm perm, Unshare unshare, ImageLockOptions options)
        {
            try
            {
                ValidateGrant(perm, unshare);
                ArgumentNullException.ThrowIfNull(options);
                var api = LockingModes.Resolve(options.Locking, path);
                PosixDescriptors.AdoptForLease(path, image, posix: api is { IsOfd: false });
                return new Attempt(path, perm, unshare, options.Locking, api, image, options.HolderScanBudget);
            }
            catch
            {
                PosixDescriptors.Close(image);
                throw;
            }
        }

        private LockBits Wanted => LockBits.Of(_perm, _unshare);

        /// <summary>Lock, then check; on failure everything added is unlocked again.</summary>
        public LockFailure? TryLock() =>
            _api is LockApi api ? LockProtocol.Prepare(_image.Fd, api, ref _held, Wanted, Wanted) : null;

        /// <summary>The check alone, with nothing locked: F_GETLK probes that cannot disturb anyone.</summary>
        public bool LooksClear() => _api is not LockApi api || LockProtocol.Check(_image.Fd, api, Wanted, exact: false) is null;

        public ImageLease Finish(LockFailure? failure)
        {
            if (failure is LockFailure f) throw Failures.ToException(_path, f, _image, _api, _holderScanBudget);
            return new ImageLease(_path, _image, _api, _held, _perm, _unshare, _locking, _holderScanBudget);
        }

        public void Abandon() => PosixDescriptors.Close(_image);
    }
}
