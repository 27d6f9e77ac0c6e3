using System.Reflection;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators.Tests.Support;

/// <summary>Compiles user code plus the generated wrappers to a real assembly and loads it, for running wrappers.</summary>
internal static class CompiledAssembly
{
    public static Assembly Build(string source)
    {
        var (_, output) = GeneratorHarness.Run(source);
        GeneratorHarness.AssertClean(output);
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        // Each load gets its own context; ImageLock.Sdk resolves to the copy the tests already use.
        return Assembly.Load(image.ToArray());
    }
}

/// <summary>A throw-away raw image file in its own temp directory.</summary>
internal sealed class TempImage : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imagelock-gen-").FullName;

    public TempImage()
    {
        Path = System.IO.Path.Combine(_directory, "disk.raw");
        File.WriteAllBytes(Path, new byte[64 * 1024]);
    }

    public string Path { get; }

    /// <summary>What other descriptors hold on the image right now (takes no lock).</summary>
    public (Perm Perm, Unshare Unshare) Held()
    {
        var status = ImageStatus.Probe(Path, identifyHolders: false);
        return (status.Perm, status.Unshare);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
