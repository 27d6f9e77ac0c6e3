namespace ImageLock.Qemu.Tests;

/// <summary>The skip rule: loud skip without QEMU, never a skip under CI (IMAGELOCK_REQUIRE_QEMU=1), never a skip with QEMU.</summary>
public sealed class QemuFactAttributeTests
{
    [Fact]
    public void Missing_qemu_skips_with_the_install_hint()
    {
        var reason = QemuTools.SkipReason(["qemu-img", "qemu-system-x86_64"], required: false);
        Assert.Equal("QEMU not installed (qemu-img, qemu-system-x86_64 missing): apt-get install qemu-utils qemu-system-x86", reason);
    }

    [Fact]
    public void Ci_requires_qemu_so_the_test_runs_and_fails()
    {
        Assert.Null(QemuTools.SkipReason(["qemu-img"], required: true));
        var e = Assert.Throws<InvalidOperationException>(() => QemuTools.Path("qemu-img-that-does-not-exist"));
        Assert.Contains("apt-get install qemu-utils qemu-system-x86", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Installed_qemu_never_skips()
    {
        Assert.Null(QemuTools.SkipReason([], required: false));
        if (QemuTools.Missing.Count == 0) Assert.Null(new QemuFactAttribute().Skip);
        if (QemuTools.Required_ByEnvironment) Assert.Null(new QemuTheoryAttribute().Skip);
    }
}
