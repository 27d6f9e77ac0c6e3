namespace ImageLock.Qemu.Tests;

/// <summary>Finds the QEMU binaries on PATH and decides whether QEMU tests may skip.</summary>
public static class QemuTools
{
    public static readonly string[] Required =
        ["qemu-img", "qemu-io", "qemu-nbd", "qemu-storage-daemon", "qemu-system-x86_64"];

    /// <summary>Set by .ci/run: QEMU tests must run (and fail) instead of skipping.</summary>
    public static bool Required_ByEnvironment => Environment.GetEnvironmentVariable("IMAGELOCK_REQUIRE_QEMU") == "1";

    private static readonly Lazy<string[]> MissingTools = new(() => Required.Where(t => Find(t) is null).ToArray());

    public static IReadOnlyList<string> Missing => MissingTools.Value;

    /// <summary>The skip message, or null when the tests must run.</summary>
    public static string? SkipReason() => SkipReason(Missing, Required_ByEnvironment);

    /// <summary>The decision itself, separate from PATH and the environment so it can be tested.</summary>
    public static string? SkipReason(IReadOnlyList<string> missing, bool required)
    {
        if (missing.Count == 0 || required) return null;
        return $"QEMU not installed ({string.Join(", ", missing)} missing): apt-get install qemu-utils qemu-system-x86";
    }

    /// <summary>Full path of <paramref name="tool"/>; fails loudly when it is missing (the test then fails, never passes).</summary>
    public static string Path(string tool) =>
        Find(tool) ?? throw new InvalidOperationException(
            $"QEMU not installed: {tool} is not on PATH. apt-get install qemu-utils qemu-system-x86");

    private static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
