using System.Globalization;

namespace ImageLock.Qemu.Tests.Graph;

/// <summary>
/// What one process holds on each file, matched by the descriptor's /proc link (the path), not by device and inode:
/// on btrfs stat()'s device is the subvolume's, not the one fdinfo prints. Rendered as "O_RDWR 100,101,103,201,203"
/// per descriptor, so two processes holding the same graph compare equal (also when one runs in its own root).
/// </summary>
public static class FileLocks
{
    public static IReadOnlyDictionary<string, string> Of(int pid, IEnumerable<string> files)
    {
        var wanted = files.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var held = wanted.ToDictionary(f => f, _ => new List<string>(), StringComparer.Ordinal);
        // A QEMU run in its own root (tests/Qemu.Tests/qemu-root) shows its files under that root, as seen from here.
        string root = new DirectoryInfo($"/proc/{pid}/root").LinkTarget ?? "/";
        foreach (var link in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            string? target;
            string info;
            try
            {
                target = new FileInfo(link).LinkTarget;
                info = File.ReadAllText($"/proc/{pid}/fdinfo/{Path.GetFileName(link)}");
            }
            catch (IOException) { continue; }  // closed meanwhile
            if (root != "/" && target is not null && target.StartsWith(root + "/", StringComparison.Ordinal)) target = target[root.Length..];
            if (target is null || !held.TryGetValue(target, out var list)) continue;
            var bytes = new SortedSet<long>();
            bool rw = false;
            foreach (var line in info.Split('\n'))
            {
                var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (line.StartsWith("flags:", StringComparison.Ordinal)) rw = (Convert.ToInt32(f[1], 8) & 3) == 2;
                if (!line.StartsWith("lock:", StringComparison.Ordinal) || line.Contains("->")) continue;
                long start = long.Parse(f[^2], CultureInfo.InvariantCulture);
                long end = f[^1] == "EOF" ? start : long.Parse(f[^1], CultureInfo.InvariantCulture);
                for (long b = start; b <= end; b++) bytes.Add(b);
            }
            if (bytes.Count > 0) list.Add($"{(rw ? "O_RDWR" : "O_RDONLY")} {string.Join(",", bytes)}");
        }
        return held.ToDictionary(kv => kv.Key, kv => kv.Value.Count == 0 ? "-" : string.Join(" + ", kv.Value.Order()), StringComparer.Ordinal);
    }

    public static string Render(IReadOnlyDictionary<string, string> held, string dir) =>
        string.Join("\n", held.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{(dir.Length > 0 ? kv.Key.Replace(dir, "<dir>") : kv.Key)}: {kv.Value}"));
}
