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
public sealed class QemuTheoryAttribute : TheoryAttribute
{
    public QemuTheoryAttribute()
    {
        if (QemuTools.SkipReason() is string reason) Skip = reason;
    }
}
