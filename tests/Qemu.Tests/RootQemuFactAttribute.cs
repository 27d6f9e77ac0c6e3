namespace ImageLock.Qemu.Tests;

/// <summary>A QEMU test that needs root (loop devices, mounts). Skips loudly without QEMU or root — except under CI
/// (IMAGELOCK_REQUIRE_QEMU=1), where it runs and fails, so a missing privilege can never pass silently.</summary>
public sealed class RootQemuFactAttribute : FactAttribute
{
    public RootQemuFactAttribute()
    {
        if (QemuTools.SkipReason() is string reason) Skip = reason;
        else if (!QemuTools.Required_ByEnvironment && !Root.IsRoot)
            Skip = "needs root (loop devices and mounts): run as root, or under CI with IMAGELOCK_REQUIRE_QEMU=1";
    }
}

/// <inheritdoc cref="RootQemuFactAttribute"/>
public sealed class RootQemuTheoryAttribute : TheoryAttribute
{
    public RootQemuTheoryAttribute()
    {
        if (QemuTools.SkipReason() is string reason) Skip = reason;
        else if (!QemuTools.Required_ByEnvironment && !Root.IsRoot)
            Skip = "needs root (loop devices and mounts): run as root, or under CI with IMAGELOCK_REQUIRE_QEMU=1";
    }
}

public static class Root
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();

    public static bool IsRoot => GetEuid() == 0;
}
