namespace ImageLock.Benchmarks;

/// <summary>Raw image files in a fresh directory under /tmp, deleted on dispose.</summary>
public sealed class TempImages : IDisposable
{
    public TempImages(int count, long size = 1 << 20)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("imagelock-bench-").FullName;
        Paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            Paths[i] = Path.Combine(Directory, $"disk{i}.raw");
            using var f = File.Create(Paths[i]);
            f.SetLength(size); // sparse: the lock bytes 100..203 exist without writing data
        }
    }

    public string Directory { get; }
    public string[] Paths { get; }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
