using ImageLock.Qemu.Tests;

namespace ImageLock.Package.Tests;

/// <summary>A test that needs tools beside .NET (strace, a C toolchain for NativeAOT): skips loudly naming what is
/// missing, and fails instead under CI (IMAGELOCK_REQUIRE_QEMU=1: .ci/run installs them with QEMU). Each requirement
/// is a command on PATH or an absolute file path; "gcc|clang" is met by either.</summary>
public sealed class ToolsFactAttribute : FactAttribute
{
    public ToolsFactAttribute(params string[] requirements)
    {
        var missing = requirements.Where(r => !r.Split('|').Any(Present)).ToList();
        if (missing.Count > 0 && !QemuTools.Required_ByEnvironment)
            Skip = $"needs {string.Join(", ", missing)} (.ci/run installs them; IMAGELOCK_REQUIRE_QEMU=1 makes this fail instead)";
    }

    private static bool Present(string requirement) => requirement.StartsWith('/')
        ? File.Exists(requirement)
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, requirement)));
}
