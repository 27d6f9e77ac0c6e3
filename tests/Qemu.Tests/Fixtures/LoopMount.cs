using System.Diagnostics;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>A loop device over a file this test made (root only); detached on dispose, also after a failure.</summary>
public sealed class LoopDevice : IDisposable
{
    private LoopDevice(string path) => Path = path;

    /// <summary>/dev/loopN.</summary>
    public string Path { get; }

    public static LoopDevice Attach(string file) => new(Host.Run("losetup", "-f", "--show", file).Trim());

    public void Dispose() => Host.Run("losetup", "-d", Path);
}

/// <summary>A filesystem of the given type mounted on a directory of its own: tmpfs, or ext4/xfs/btrfs made in a
/// file of this test's temp directory on a loop device. Unmounted, detached and deleted on dispose.</summary>
public sealed class LoopMount : IDisposable
{
    private readonly string _root;
    private LoopDevice? _device;
    private bool _mounted;

    public LoopMount(string type)
    {
        _root = Directory.CreateTempSubdirectory("ilq-fs-").FullName;
        Path = System.IO.Path.Combine(_root, "mnt");
        Directory.CreateDirectory(Path);
        try
        {
            if (type == "tmpfs") Host.Run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", Path);
            else
            {
                string image = System.IO.Path.Combine(_root, "fs.img");
                using (var f = System.IO.File.Create(image)) f.SetLength(320L << 20);   // xfs needs 300 MiB
                Host.Run($"mkfs.{type}", type == "ext4" ? ["-q", "-F", image] : ["-q", "-f", image]);
                _device = LoopDevice.Attach(image);
                Host.Run("mount", _device.Path, Path);
            }
            _mounted = true;
            string actual = Host.Run("findmnt", "-n", "-o", "FSTYPE", Path).Trim();
            if (actual != type) throw new XunitException($"{Path} is {actual}, not {type}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            if (_mounted) Host.Run("umount", Path);
            _mounted = false;
        }
        finally
        {
            try { _device?.Dispose(); }
            finally
            {
                _device = null;
                try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
            }
        }
    }
}

/// <summary>Runs a host tool (losetup, mount, mkfs) to completion, failing the test with its stderr.</summary>
public static class Host
{
    public static string Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process? started;
        try { started = Process.Start(info); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new XunitException($"could not start {tool} ({e.Message}): install it (Debian: apt-get install {Package(tool)})");
        }
        using var p = started ?? throw new XunitException($"could not start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new XunitException($"`{tool} {string.Join(" ", args)}` failed with exit {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static string Package(string tool) => tool switch
    {
        "mkfs.xfs" => "xfsprogs",
        "mkfs.btrfs" or "btrfs" => "btrfs-progs",
        "mkfs.ext4" => "e2fsprogs",
        _ => "util-linux",
    };
}
