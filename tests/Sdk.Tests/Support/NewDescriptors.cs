using System.Globalization;
using System.Reflection;

namespace ImageLock.Tests.Support;

/// <summary>
/// Descriptor leaks, told apart from the runtime's own descriptors. Counting /proc/self/fd is not enough: the runtime
/// keeps two descriptors open on every assembly it loads (lazily, e.g. on a first exception path), keeps its random
/// source open once used, and its threads make pipes and sockets at any time; counts moved by 2 under load. The engine
/// only ever opens paths (images, /proc files), so a leak is a new descriptor on any path but those.
/// </summary>
internal static class NewDescriptors
{
    /// <summary>Every open descriptor of this process and what it points at.</summary>
    public static Dictionary<int, string> Snapshot()
    {
        var result = new Dictionary<int, string>();
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try { target = new FileInfo(entry).LinkTarget; }
            catch (IOException) { continue; } // the enumeration's own descriptor, or closed meanwhile
            if (target is not null) result[int.Parse(Path.GetFileName(entry), CultureInfo.InvariantCulture)] = target;
        }
        return result;
    }

    /// <summary>Descriptors open now that were not in <paramref name="before"/> (or point elsewhere), other than the
    /// runtime's: "fd N -> target" each, so an assertion names the leaked file.</summary>
    public static List<string> Since(Dictionary<int, string> before)
    {
        var assemblies = AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic).Select(Location)
            .Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal);
        return Snapshot().Where(d => !(before.TryGetValue(d.Key, out var old) && old == d.Value))
            .Where(d => !IsRuntimes(d.Value, assemblies)).OrderBy(d => d.Key).Select(d => $"fd {d.Key} -> {d.Value}").ToList();
    }

    private static bool IsRuntimes(string target, HashSet<string> assemblies) =>
        assemblies.Contains(target)
        || target == "/dev/urandom" // System.Native's random source, opened on first use and kept
        || target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("socket:", StringComparison.Ordinal)
        || target.StartsWith("anon_inode:", StringComparison.Ordinal) || target.StartsWith("/memfd:", StringComparison.Ordinal);

    private static string Location(Assembly assembly)
    {
        try { return assembly.Location; }
        catch (NotSupportedException) { return ""; }
    }
}
