using System.Text.Json;

namespace ImageLock.Tests.Support;

/// <summary>Finds an image's entry in <c>imagelock status --json</c> of the whole host, where other tests' images appear too.</summary>
internal static class JsonPaths
{
    /// <summary>A path that is not UTF-8 is written as <c>\udcXX</c> escapes (docs/json.md), which System.Text.Json refuses to
    /// decode (GraphBytesTests holds one); such an entry is some other test's, never <paramref name="path"/>.</summary>
    public static bool Is(JsonElement entry, string path)
    {
        try { return entry.GetProperty("path").GetString() == path; }
        catch (InvalidOperationException) { return false; }
    }
}
