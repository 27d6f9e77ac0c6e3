using System.Text;
using ImageLock.Interop;

namespace ImageLock.Cli;

/// <summary>Text from other users (holders' command lines, file names) is shown on a terminal with every control
/// character visibly escaped: <c>\e[2J</c> in a holder's argv must not clear root's screen, nor a newline break a table.</summary>
internal static class Text
{
    public static string Decode(byte[] bytes) => PathBytes.Decode(bytes);

    public static byte[] Encode(string text) => PathBytes.Encode(text);

    /// <summary>C0, DEL, C1, line separators and bidirectional overrides as escapes; bytes that are not UTF-8 as \xNN.</summary>
    public static string Escape(string? text)
    {
        if (text is null) return "";
        var s = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) s.Append(c).Append(text[++i]);
            else if (PathBytes.IsEscapedByte(c, out byte b)) s.Append($"\\x{b:x2}");
            else if (!IsUnsafe(c)) s.Append(c);
            else s.Append(c switch
            {
                '\a' => "\\a",
                '\b' => "\\b",
                '\t' => "\\t",
                '\n' => "\\n",
                '\v' => "\\v",
                '\f' => "\\f",
                '\r' => "\\r",
                '\u001b' => "\\e",
                < '\u0080' => $"\\x{(int)c:x2}",
                _ => $"\\u{(int)c:x4}",
            });
        }
        return s.ToString();
    }

    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || char.IsSurrogate(c)
        || c is '\u2028' or '\u2029' or '\u200e' or '\u200f' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
}

internal static class Messages
{
    /// <summary>A message for the terminal: each piece of <paramref name="untrusted"/> text in it (a path, a holder's
    /// command line) escaped whole, so a newline inside it cannot forge a line; the message's own lines kept.</summary>
    public static string ForTerminal(string message, IEnumerable<string?> untrusted)
    {
        foreach (var piece in untrusted.OfType<string>().Where(p => p.Length > 0).Distinct().OrderByDescending(p => p.Length))
            message = message.Replace(piece, Text.Escape(piece));
        return string.Join('\n', message.Split('\n').Select(Text.Escape));
    }

    /// <summary>An engine error for the terminal, with its image path and holders' command lines escaped.</summary>
    public static string ForTerminal(ImageLockException e) =>
        ForTerminal(e.Message, [e.ImagePath, .. (e as ImageLockConflictException)?.Holders.Select(h => h.Command) ?? []]);
}
