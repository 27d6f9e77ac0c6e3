using System.Diagnostics;

namespace ImageLock.Qemu.Tests;

/// <summary>
/// The QEMU generations the tests run against: the system's 7.2 on PATH (the default everywhere), and 5.2 and 10.0 as
/// Debian trees installed by .ci/qemu-versions.sh, started through qemu-root (a private mount namespace rooted in the
/// tree, host /proc, /dev, /sys and /tmp bound in) so their locks, PIDs and inodes are the host's.
/// </summary>
public static class QemuVersions
{
    /// <summary>The system's QEMU, which the reference tables were measured with.</summary>
    public const string Default = "7.2";

    public static readonly string[] All = ["5.2", "7.2", "10.0"];

    private const string InstallHint = "run `.ci/qemu-versions.sh` as root (installs them under /var/cache/imagelock-qemu)";

    /// <summary>Where .ci/qemu-versions.sh keeps its trees.</summary>
    public static string Cache => Environment.GetEnvironmentVariable("IMAGELOCK_QEMU_CACHE") is { Length: > 0 } dir
        ? dir : "/var/cache/imagelock-qemu";

    public static string Root(string version) => Path.Combine(Cache, version, "root");

    /// <summary>The wrapper, copied next to the test assembly.</summary>
    public static string Wrapper => Path.Combine(AppContext.BaseDirectory, "qemu-root");

    /// <summary>Why <paramref name="version"/> cannot run here, or null. The system version is judged by PATH.</summary>
    public static string? Missing(string version)
    {
        if (!All.Contains(version)) throw new ArgumentException($"not a tested QEMU version: {version}");
        if (version == Default)
            return QemuTools.Missing.Count == 0 ? null : $"QEMU {version} not installed ({string.Join(", ", QemuTools.Missing)} missing)";
        var absent = QemuTools.Required.Where(t => !File.Exists(Path.Combine(Root(version), "usr/bin", t))).ToArray();
        if (absent.Length > 0 || !File.Exists(Path.Combine(Cache, version, "stamp")))
            return $"QEMU {version} not installed ({Root(version)} lacks {(absent.Length > 0 ? string.Join(", ", absent) : "its stamp")})";
        if (Environment.UserName != "root") return $"QEMU {version} needs root to run in its mount namespace";
        return null;
    }

    /// <summary>The skip message for tests of <paramref name="version"/>, or null when they must run (installed, or
    /// required by IMAGELOCK_REQUIRE_QEMU=1 — then they fail, naming the script).</summary>
    public static string? SkipReason(string version) => SkipReason(version, Missing(version), QemuTools.Required_ByEnvironment);

    /// <summary>The decision itself, separate from the machine so it can be tested.</summary>
    public static string? SkipReason(string version, string? missing, bool required)
    {
        if (missing is null || required) return null;
        return version == Default
            ? $"{missing}: apt-get install qemu-utils qemu-system-x86"
            : $"{missing}: {InstallHint}";
    }

    /// <summary>How to start <paramref name="tool"/> of <paramref name="version"/>. The process started is QEMU's own
    /// PID (qemu-root only execs). Fails loudly when the version is not installed.</summary>
    public static ProcessStartInfo StartInfo(string version, string tool, IEnumerable<string> args)
    {
        ProcessStartInfo info;
        if (version == Default) info = new ProcessStartInfo(QemuTools.Path(tool));
        else
        {
            if (Missing(version) is string missing)
                throw new InvalidOperationException($"{missing}: {InstallHint}");
            info = new ProcessStartInfo("/bin/sh");
            info.ArgumentList.Add(Wrapper);
            info.ArgumentList.Add(version);
            info.ArgumentList.Add(tool);
        }
        info.RedirectStandardInput = true; // qemu-io stays interactive on this pipe until it is closed
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = "/";
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>Theory rows: every row of <paramref name="cases"/> once per version, the version first.</summary>
    public static TheoryData<string, T1, T2, T3> Cross<T1, T2, T3>(TheoryData<T1, T2, T3> cases)
    {
        var data = new TheoryData<string, T1, T2, T3>();
        foreach (var version in All)
            foreach (var row in cases)
                data.Add(version, (T1)row[0], (T2)row[1], (T3)row[2]);
        return data;
    }

    /// <inheritdoc cref="Cross{T1,T2,T3}"/>
    public static TheoryData<string, T1, T2> Cross<T1, T2>(TheoryData<T1, T2> cases)
    {
        var data = new TheoryData<string, T1, T2>();
        foreach (var version in All)
            foreach (var row in cases)
                data.Add(version, (T1)row[0], (T2)row[1]);
        return data;
    }

    /// <inheritdoc cref="Cross{T1,T2,T3}"/>
    public static TheoryData<string, T1> Cross<T1>(TheoryData<T1> cases)
    {
        var data = new TheoryData<string, T1>();
        foreach (var version in All)
            foreach (var row in (IEnumerable<object[]>)cases)
                data.Add(version, (T1)row[0]);
        return data;
    }

    /// <summary>Theory rows: one per version.</summary>
    public static TheoryData<string> Each()
    {
        var data = new TheoryData<string>();
        foreach (var version in All) data.Add(version);
        return data;
    }
}
