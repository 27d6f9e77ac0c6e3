namespace ImageLock.Generators;

/// <summary>Metadata names of the runtime types the generator looks for and emits against.</summary>
internal static class KnownNames
{
    public const string RequiresImageAccessAttribute = "ImageLock.RequiresImageAccessAttribute";
    public const string ImageLockNamespace = "ImageLock";
    public const string ImageAccess = "ImageAccess";
    public const string GeneratorName = "ImageLock.Generators";
}
