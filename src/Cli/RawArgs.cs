using System.Text;
using ImageLock.Interop;

namespace ImageLock.Cli;

/// <summary>
/// The command line as the kernel has it. The runtime decodes argv as UTF-8 and turns every invalid byte into U+FFFD,
/// so <c>caf\xe9.raw</c> would name <c>caf\xef\xbf\xbd.raw</c> and CMD's arguments would change. /proc/self/cmdline
/// has the bytes; its last args.Length entries are ours (before them: the host, maybe <c>dotnet imagelock.dll</c>).
/// </summary>
internal static class RawArgs
{
    /// <summary><paramref name="args"/>, with each byte that is not UTF-8 carried exactly (see PathBytes).</summary>
    public static string[] Exact(string[] args)
    {
        if (args.Length == 0) return args;
        byte[] cmdline;
        try { cmdline = File.ReadAllBytes("/proc/self/cmdline"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return args; }
        var entries = Split(cmdline);
        if (entries.Count < args.Length) return args;
        var ours = entries.Skip(entries.Count - args.Length).ToArray();
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (int i = 0; i < args.Length; i++)
        {
            // Valid UTF-8 must decode to what the runtime gave us; anything else means this is not our argv after all.
            try { if (strict.GetString(ours[i]) != args[i]) return args; }
            catch (DecoderFallbackException) { if (!args[i].Contains('\uFFFD')) return args; }
        }
        return ours.Select(b => PathBytes.Decode(b)).ToArray();
    }

    private static List<byte[]> Split(byte[] cmdline)
    {
        var entries = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < cmdline.Length; i++)
            if (cmdline[i] == 0) { entries.Add(cmdline[start..i]); start = i + 1; }
        if (start < cmdline.Length) entries.Add(cmdline[start..]);
        return entries;
    }
}
