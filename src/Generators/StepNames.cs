namespace ImageLock.Generators;

/// <summary>Tracking names of the generator's pipeline steps, for incremental tests.</summary>
public static class StepNames
{
    /// <summary>The transform's output per annotated method: a <c>WrapperModel</c>, or null for a shape it cannot wrap.
    /// An edit that does not change the model shows here as <c>Unchanged</c>.</summary>
    public const string Transform = "ImageLock.Transform";

    /// <summary>One <c>WrapperModel</c> per wrappable annotated method.</summary>
    public const string Wrappers = "ImageLock.Wrappers";

    /// <summary>All wrapper models of the compilation, collected.</summary>
    public const string AllWrappers = "ImageLock.AllWrappers";

    /// <summary>One <c>TypeModel</c> per containing type: the unit that becomes one output file.</summary>
    public const string Types = "ImageLock.Types";
}
