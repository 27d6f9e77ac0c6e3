using System.Diagnostics;
using ImageLock.Qemu.Tests.Fixtures;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Graph;

/// <summary>One image to open both ways: by qemu-io (rw, or -r) of QEMU <paramref name="Version"/> and by ImageGraphLease
/// with qemu-io's grant.</summary>
/// <param name="Files">Every file that could matter: the graph and the files QEMU must not open.</param>
/// <param name="Protected">Files whose data a refused <c>qemu-img create</c> must leave alone under both holders.</param>
public sealed record GraphCase(string Image, ImageFormat Format, bool ReadWrite, string[] Files, string[]? Protected = null,
    string Version = QemuVersions.Default)
{
    public string FormatName => Format == ImageFormat.Qcow2 ? "qcow2" : "raw";
    public Perm Perm => ReadWrite ? Perm.Read | Perm.Write : Perm.Read;
}

/// <summary>
/// Holds the same image with qemu-io and with the engine, and asserts: every file carries the same bytes on
/// descriptors of the same access mode; QEMU commands against the held graph are refused or allowed the same way;
/// the engine is refused or allowed the same way while QEMU holds it; refused commands change no byte of any file.
/// </summary>
public static class GraphComparison
{
    public static void AssertSameAsQemu(GraphCase c, string dir)
    {
        var existing = c.Files.Where(File.Exists).ToArray();
        var hashes = existing.ToDictionary(f => f, TempDir.Sha256);

        IReadOnlyDictionary<string, string> qemuHeld, engineHeld;
        List<string> underQemu, underEngine;
        string[] engineUnderQemu, engineUnderEngine;
        using (var qemu = QemuProcess.Start("qemu-io", [.. c.ReadWrite ? Array.Empty<string>() : ["-r"], "-f", c.FormatName, c.Image], c.Version))
        {
            qemuHeld = WaitStable(qemu, c);
            underQemu = Probes(c, existing);
            engineUnderQemu = EngineTries(c);
            qemu.Stop();
        }
        foreach (var f in existing) Bytes.WaitFree(f);

        using (var lease = ImageGraphLease.Acquire(c.Image, c.Format, c.Perm))
        {
            engineHeld = FileLocks.Of(Environment.ProcessId, c.Files);
            underEngine = Probes(c, existing);
            engineUnderEngine = EngineTries(c);
        }

        string which = $"[QEMU {c.Version}] {Path.GetFileName(c.Image)}";
        Assert.True(FileLocks.Render(qemuHeld, dir) == FileLocks.Render(engineHeld, dir),
            $"{which}: bytes held differ\nQEMU:\n{FileLocks.Render(qemuHeld, dir)}\nengine:\n{FileLocks.Render(engineHeld, dir)}");
        Assert.True(underQemu.SequenceEqual(underEngine),
            $"{which}: QEMU's commands fare differently\nunder QEMU:\n{string.Join("\n", underQemu)}\nunder the engine:\n{string.Join("\n", underEngine)}");
        Assert.True(engineUnderQemu.SequenceEqual(engineUnderEngine),
            $"{which}: the engine fares differently\nunder QEMU:\n{string.Join("\n", engineUnderQemu)}\nunder the engine:\n{string.Join("\n", engineUnderEngine)}");
        foreach (var f in existing)
        {
            Assert.Equal(hashes[f], TempDir.Sha256(f));
            Assert.True(ImageStatus.Probe(f).IsFree, $"{f} is still held");
        }
    }

    /// <summary>Waits until qemu-io holds its graph: the image's file is locked and nothing changes for a moment.</summary>
    public static IReadOnlyDictionary<string, string> WaitStable(QemuProcess qemu, GraphCase c)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, string>? last = null;
        while (true)
        {
            qemu.EnsureRunning();
            var now = FileLocks.Of(qemu.Pid, c.Files);
            if (now[Path.GetFullPath(c.Image)] != "-" && last is not null && FileLocks.Render(now, "") == FileLocks.Render(last, "")) return now;
            last = now;
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new XunitException($"{qemu.Description} did not lock {c.Image}; stderr:\n{qemu.Stderr}");
            Thread.Sleep(150);
        }
    }

    /// <summary>QEMU openers against the held graph: the image itself rw and -r, each other file as raw rw, and
    /// <c>qemu-img create</c> over each protected file (the data loss of issue 9 when it is let through).</summary>
    private static List<string> Probes(GraphCase c, string[] existing)
    {
        var results = new List<string>
        {
            Outcome(QemuCommand.RunIn(c.Version, "qemu-io", "-f", c.FormatName, "-c", "quit", c.Image)),
            Outcome(QemuCommand.RunIn(c.Version, "qemu-io", "-r", "-f", c.FormatName, "-c", "quit", c.Image)),
        };
        foreach (var f in existing.Where(f => Path.GetFullPath(f) != Path.GetFullPath(c.Image)))
            results.Add($"{Path.GetFileName(f)}: " + Outcome(QemuCommand.RunIn(c.Version, "qemu-io", "-f", "raw", "-c", "quit", f)));
        foreach (var f in c.Protected ?? [])
        {
            var create = QemuCommand.RunIn(c.Version, "qemu-img", "create", "-q", "-f", "raw", f, "1M");
            Assert.False(create.Ok, $"qemu-img create over {f} must be refused");
            results.Add($"create {Path.GetFileName(f)}: " + Outcome(create));
        }
        return results;
    }

    /// <summary>The engine's own tries while the graph is held: the same image rw and read-only.</summary>
    private static string[] EngineTries(GraphCase c) =>
        [Try(c, Perm.Read | Perm.Write), Try(c, Perm.Read)];

    private static string Try(GraphCase c, Perm perm)
    {
        try
        {
            using var lease = ImageGraphLease.Acquire(c.Image, c.Format, perm);
            return "ok";
        }
        catch (ImageLockConflictException e)
        {
            return $"{e.QemuMessage} [{Path.GetFileName(e.ImagePath)}]";
        }
    }

    /// <summary>"ok", or QEMU's lock message ("Failed to get "write" lock"), without the holder-specific rest.</summary>
    private static string Outcome(CommandResult r)
    {
        if (r.Ok) return "ok";
        var line = r.Stderr.Split('\n').FirstOrDefault(l => l.Contains("Failed to get")) ?? r.Stderr.Split('\n')[0];
        int at = line.IndexOf("Failed to get", StringComparison.Ordinal);
        return at >= 0 ? line[at..] : line;
    }
}
