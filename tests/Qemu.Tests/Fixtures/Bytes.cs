using System.Diagnostics;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>Waits on lock bytes by probing with ImageStatus.Probe (F_OFD_GETLK only) instead of sleeping blindly.</summary>
public static class Bytes
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static string Describe(Perm perm, Unshare unshare) => $"perm={PermNames.Format(perm)} unshare={PermNames.Format(unshare)}";

    public static string Describe(ImageStatus s) => Describe(s.Perm, s.Unshare) + (s.LegacyPerm || s.LegacyUnshare ? " +legacy 104/204" : "");

    /// <summary>Polls until others hold exactly <paramref name="perm"/>/<paramref name="unshare"/> on the image.
    /// Fails with the last probe and QEMU's stderr when <paramref name="owner"/> dies or time runs out.</summary>
    public static ImageStatus WaitFor(string image, Perm perm, Unshare unshare, QemuProcess? owner = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = ImageStatus.Probe(image, identifyHolders: false);
            if (status.Perm == perm && status.Unshare == unshare && !status.LegacyPerm && !status.LegacyUnshare) return status;
            owner?.EnsureRunning();
            if (clock.Elapsed > limit)
                throw new XunitException(
                    $"[{image}] did not reach {Describe(perm, unshare)} within {limit.TotalSeconds}s; last probe: {Describe(status)}" +
                    (owner is null ? "" : $"\nprocess: {owner.Description}\nstderr:\n{owner.Stderr}"));
            Thread.Sleep(20);
        }
    }

    /// <summary>Waits until nobody holds any byte of the image.</summary>
    public static ImageStatus WaitFree(string image, TimeSpan? timeout = null) => WaitFor(image, Perm.None, Unshare.None, null, timeout);
}
