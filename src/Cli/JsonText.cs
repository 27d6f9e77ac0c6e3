using System.Text;
using System.Text.Json;

namespace ImageLock.Cli;

/// <summary>JSON carries other users' text exactly. A name with bytes that are not UTF-8 holds lone surrogates
/// (U+DC80+byte, see PathBytes), which Utf8JsonWriter refuses; those strings are written as \\uXXXX escapes by hand,
/// which JSON allows and which decoders such as Python's give back as the same surrogates.</summary>
internal static class JsonText
{
    public static void Write(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) { w.WriteNull(name); return; }
        if (IsValidUtf16(value)) { w.WriteString(name, value); return; }
        w.WritePropertyName(name);
        var json = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c is '"' or '\\') json.Append('\\').Append(c);
            else if (c < ' ' || c > '~') json.Append($"\\u{(int)c:x4}");
            else json.Append(c);
        }
        w.WriteRawValue(json.Append('"').ToString(), skipInputValidation: true);
    }

    private static bool IsValidUtf16(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }
}
