using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests.Support;

/// <summary>A Debian 12 machine without .NET — a copy of the cached minbase tree of packaging/deb/bookworm-root.sh,
/// with /proc mounted — into which the imagelock package (IMAGELOCK_DEB) is installed with dpkg -i. Removes the
/// copy and its mount on dispose, also when setting up failed half-way.</summary>
public sealed class DebianMachine : IDisposable
{
    private readonly string _copy;
    private bool _procMounted;

    public DebianMachine()
    {
        _copy = Root = "";
        if (DebianPackageFactAttribute.SkipReason is not null) return; // the tests skip: build nothing
        _copy = Directory.CreateTempSubdirectory("imagelock-deb-test-").FullName;
        Root = Path.Combine(_copy, "root");
        try
        {
            string cached = Host("bash", Repository.File("packaging/deb/bookworm-root.sh")).Trim();
            Host("cp", "-a", cached, Root);
            Host("mount", "-t", "proc", "proc", Path.Combine(Root, "proc"));
            _procMounted = true;
            string deb = DebianPackageFactAttribute.Package is { } p && File.Exists(p) ? p
                : throw new InvalidOperationException($"IMAGELOCK_DEB='{DebianPackageFactAttribute.Package}' names no package: build one with packaging/deb/build.sh");
            File.Copy(deb, Path.Combine(Root, "tmp", Path.GetFileName(deb)));
            Install = Run("dpkg", "-i", "/tmp/" + Path.GetFileName(deb));
            if (Install.Exit != 0) throw new InvalidOperationException("dpkg -i failed: " + CliFacts.Describe(Install));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The machine's / as seen from the host.</summary>
    public string Root { get; }

    public (int Exit, string Out, string Err) Install { get; }

    /// <summary>Starts <paramref name="file"/> inside the machine (chroot execs it: the child's pid is the program's).</summary>
    internal ChildProcess Start(string file, params string[] args) =>
        ChildProcess.Start("chroot", new[] { Root, file }.Concat(args), s =>
        {
            s.Environment["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
            s.Environment["LANG"] = "C.UTF-8";
            s.Environment["HOME"] = "/root";
            s.Environment.Remove("DOTNET_ROOT");
        });

    public (int Exit, string Out, string Err) Run(string file, params string[] args)
    {
        using var child = Start(file, args);
        if (!child.WaitForExit(TimeSpan.FromMinutes(5))) throw new TimeoutException($"{file} in the Debian machine did not exit: {child}");
        return (child.ExitCode, child.StdOut, child.StdErr);
    }

    private static string Host(string file, params string[] args)
    {
        using var child = ChildProcess.Start(file, args);
        if (!child.WaitForExit(TimeSpan.FromMinutes(15))) throw new TimeoutException($"{file} did not exit: {child}");
        if (child.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {child}");
        return child.StdOut;
    }

    public void Dispose()
    {
        // Only once /proc is unmounted may the copy be removed; --one-file-system never crosses into a mount anyway.
        if (_procMounted) { Host("umount", Path.Combine(Root, "proc")); _procMounted = false; }
        if (_copy.Length > 0) Host("rm", "-rf", "--one-file-system", _copy);
    }
}

/// <summary>A test of the Debian package on a machine without .NET. Needs root (chroot, mount) and the package:
/// IMAGELOCK_DEB=path of the .deb that packaging/deb/build.sh printed. Skips loudly without either — except under
/// CI (IMAGELOCK_REQUIRE_DEB=1, set by .ci/run), where it runs and fails.</summary>
public sealed class DebianPackageFactAttribute : FactAttribute
{
    public static string? Package => Environment.GetEnvironmentVariable("IMAGELOCK_DEB") is { Length: > 0 } deb ? deb : null;

    public static string? SkipReason =>
        Environment.GetEnvironmentVariable("IMAGELOCK_REQUIRE_DEB") == "1" ? null
        : !Native.IsRoot ? "SKIPPED LOUDLY: the Debian package test needs root (chroot, mount)"
        : Package is null ? "SKIPPED LOUDLY: set IMAGELOCK_DEB to the package packaging/deb/build.sh built"
        : null;

    public DebianPackageFactAttribute() => Skip = SkipReason;
}
