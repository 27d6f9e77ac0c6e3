using ImageLock.Qemu.Tests;

namespace ImageLock.Package.Tests;

/// <summary>A package test that also runs QEMU's tools: skips loudly without them, fails instead under CI
/// (IMAGELOCK_REQUIRE_QEMU=1), as the QEMU tests do (the decision is tests/Qemu.Tests/QemuTools.cs, linked in).</summary>
public sealed class QemuFactAttribute : FactAttribute
{
    public QemuFactAttribute()
    {
        if (QemuTools.SkipReason() is string reason) Skip = reason;
    }
}
