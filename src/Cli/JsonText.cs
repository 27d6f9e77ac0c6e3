using System.Text;
using System.Text.Json;

namespace ImageLock.Cli;

/// <summary>JSON carries other users' text exactly. A name with bytes that are not UTF-8 holds lone surrogates
/// (U+DC80+byte, see PathBytes), which Utf8JsonWriter refuses; those strings are written by hand, the lone surrogates
/// as \\uXXXX escapes, which JSON allows and which decoders such as Python's give back as the same surrogates.</summary>
internal static class JsonText
{
    public static void Write(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) { w.WriteNull(name); return; }
        if (IsValidUtf16(value)) { w.WriteString(name, value); return; }
        w.WritePropertyName(name);
        w.WriteRawValue(Escaped(value), skipInputValidation: true);
    }

    public static void WriteValue(Utf8JsonWriter w, string value)
    {
        if (IsValidUtf16(value)) w.WriteStringValue(value);
        else w.WriteRawValue(Escaped(value), skipInputValidation: true);
    }

    /// <summary>Only what JSON requires is escaped: '"', '\', control characters; and the lone surrogates.</summary>
    private static string Escaped(string value)
    {
        var json = new StringBuilder("\"");
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) json.Append(c).Append(value[++i]);
            else if (c is '"' or '\\') json.Append('\\').Append(c);
            else if (c < ' ' || char.IsSurrogate(c)) json.Append($"\\u{(int)c:x4}");
            else json.Append(c);
        }
        return json.Append('"').ToString();
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
