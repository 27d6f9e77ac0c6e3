using System.Security.Cryptography;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>A short-named temp directory (unix socket paths must stay under 108 bytes), deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("ilq-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Creates <paramref name="name"/> with <c>qemu-img create</c> and fills its first 64k with a pattern,
    /// so a hash tells whether anyone touched the data.</summary>
    public string CreateImage(string name, string format, string size = "16M")
    {
        var path = File(name);
        QemuCommand.Run("qemu-img", "create", "-q", "-f", format, path, size).EnsureSuccess();
        QemuCommand.Run("qemu-io", "-f", format, "-c", "write -q -P 0xab 0 64k", path).EnsureSuccess();
        return path;
    }

    public static string Sha256(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a QEMU socket may still be going away; the OS cleans /tmp
    }
}
