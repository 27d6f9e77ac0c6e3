using Xunit.Sdk;

namespace ImageLock.Qemu.Tests;

/// <summary>A test that runs real QEMU binaries. Skips loudly when they are missing — except under CI
/// (IMAGELOCK_REQUIRE_QEMU=1), where it runs and fails so a missing QEMU can never pass silently.</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        if (QemuTools.SkipReason() is string reason) Skip = reason;
    }
}

/// <inheritdoc cref="QemuFactAttribute"/>
/// <remarks>A theory whose first parameter is named <c>version</c> runs each row against that QEMU version (see
/// <see cref="QemuVersions"/>); rows of a version this machine lacks skip loudly, naming the install script — except
/// under CI, where they run and fail.</remarks>
[XunitTestCaseDiscoverer("ImageLock.Qemu.Tests.QemuTheoryDiscoverer", "ImageLock.Qemu.Tests")]
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    public QemuTheoryAttribute()
    {
        if (QemuTools.SkipReason() is string reason) Skip = reason;
    }
}
