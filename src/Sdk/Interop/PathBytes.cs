using System.Text;

namespace ImageLock.Interop;

/// <summary>
/// File names are bytes on Linux, not necessarily UTF-8. A name travels through the engine's string API with each byte
/// that is not valid UTF-8 carried as the lone surrogate U+DC80+byte (Python's "surrogateescape"), so decoding and
/// encoding give back exactly the bytes the kernel has: <c>caf\xe9.raw</c> never becomes <c>caf\xef\xbf\xbd.raw</c>.
/// </summary>
internal static class PathBytes
{
    private const char EscapeBase = '\uDC00';

    /// <summary>The exact bytes of a name; valid UTF-16 encodes as UTF-8, and U+DC80–U+DCFF alone as its byte.
    /// Any other lone surrogate is refused: no name carries it, and replacing it would name another file.</summary>
    /// <exception cref="ArgumentException">The string has a lone surrogate that is not an escaped byte.</exception>
    public static byte[] Encode(string text)
    {
        var bytes = new List<byte>(text.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (IsEscapedByte(c, out byte b)) { bytes.Add(b); continue; }
            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) rune = new Rune(c, text[++i]);
            else if (char.IsSurrogate(c))
                throw new ArgumentException($"The path [{Display(text)}] has a lone UTF-16 surrogate (U+{(int)c:X4}) that no file name can carry.", nameof(text));
            else rune = new Rune(c);
            int n = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < n; k++) bytes.Add(utf8[k]);
        }
        return bytes.ToArray();
    }

    /// <summary>The name as a string: valid UTF-8 decoded, every other byte escaped as U+DC80+byte.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out var rune, out int consumed) == System.Buffers.OperationStatus.Done)
                text.Append(rune.ToString());
            else
                for (int k = 0; k < consumed; k++) text.Append((char)(EscapeBase + bytes[k]));
            bytes = bytes[consumed..];
        }
        return text.ToString();
    }

    /// <summary>Whether <paramref name="c"/> stands for a byte that is not UTF-8, and which.</summary>
    public static bool IsEscapedByte(char c, out byte value)
    {
        value = (byte)(c - EscapeBase);
        return c is >= '\uDC80' and <= '\uDCFF';
    }

    /// <summary>A name for messages: each escaped byte as <c>\xNN</c>, as QEMU would print it.</summary>
    public static string Display(string text)
    {
        if (!text.Any(c => IsEscapedByte(c, out _))) return text;
        var shown = new StringBuilder(text.Length + 8);
        foreach (char c in text)
            if (IsEscapedByte(c, out byte b)) shown.Append($"\\x{b:x2}");
            else shown.Append(c);
        return shown.ToString();
    }

    /// <summary>QEMU's path_combine(): a relative name is taken relative to the directory of the file naming it
    /// (as that file was named, symlinks unresolved); a base without '/' leaves it relative to the working directory.</summary>
    public static byte[] Combine(ReadOnlySpan<byte> basePath, ReadOnlySpan<byte> name)
    {
        if (name.Length > 0 && name[0] == (byte)'/') return name.ToArray();
        int slash = basePath.LastIndexOf((byte)'/');
        if (slash < 0) return name.ToArray();
        var combined = new byte[slash + 1 + name.Length];
        basePath[..(slash + 1)].CopyTo(combined);
        name.CopyTo(combined.AsSpan(slash + 1));
        return combined;
    }
}
