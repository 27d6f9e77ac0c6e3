namespace ImageLock.Tests.Support;

/// <summary>A throw-away directory with a raw image in it; deleted on dispose.</summary>
internal sealed class TempImage : IDisposable
{
    public TempImage(long size = 1 << 20, string name = "disk.raw")
    {
        // /tmp, world-traversable, so a child running as nobody can reach it.
        Directory = System.IO.Directory.CreateTempSubdirectory("imagelock-test-").FullName;
        File.SetUnixFileMode(Directory, (UnixFileMode)0x1ed /* 0755 */);
        Path = System.IO.Path.Combine(Directory, name);
        CreateRaw(Path, size);
    }

    public string Directory { get; }
    public string Path { get; }

    public string Sibling(string name) => System.IO.Path.Combine(Directory, name);

    public static void CreateRaw(string path, long size)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
        file.SetLength(size);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
