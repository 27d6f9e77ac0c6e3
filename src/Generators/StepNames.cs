namespace ImageLock.Generators;

/// <summary>Tracking names of the generator's pipeline steps, for incremental tests.</summary>
public static class StepNames
{
    /// <summary>The compilation's declarations (every file without its method bodies, references, options). Runs on
    /// every new compilation; an edit inside a body shows here as <c>Unchanged</c> and everything below as <c>Cached</c>.</summary>
    public const string Declarations = "ImageLock.Declarations";

    /// <summary>The semantic transform's output per file with wrappable annotated methods; runs only when the
    /// declarations changed. A file whose models did not change shows as <c>Unchanged</c>.</summary>
    public const string Transform = "ImageLock.Transform";

    /// <summary>One <c>WrapperModel</c> per wrappable annotated method.</summary>
    public const string Wrappers = "ImageLock.Wrappers";

    /// <summary>All wrapper models of the compilation, collected.</summary>
    public const string AllWrappers = "ImageLock.AllWrappers";

    /// <summary>One <c>TypeModel</c> per containing type: the unit that becomes one output file.</summary>
    public const string Types = "ImageLock.Types";
}
