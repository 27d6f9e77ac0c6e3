using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace ImageLock.Analyzers.Tests;

/// <summary>
/// Offline references for the test compilations: the .NET 8 reference assemblies from Basic.Reference.Assemblies
/// (no NuGet download at test time) plus the real ImageLock.Sdk.dll.
/// </summary>
internal static class TestReferences
{
    public static readonly ReferenceAssemblies None = new("net8.0");

    public static readonly MetadataReference[] All =
        Net80.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(ImageAccess).Assembly.Location))
            .ToArray();
}
