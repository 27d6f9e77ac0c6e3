namespace ImageLock.Generators.Models;

/// <summary>Everything the emitter needs to write one path overload; strings, enums and bools only.</summary>
/// <param name="Containing">The types the method lives in.</param>
/// <param name="Name">The method's name, escaped if it is a keyword.</param>
/// <param name="Accessibility">C# accessibility keywords, e.g. <c>protected internal</c>.</param>
/// <param name="IsStatic">A static method (wrapper is static too).</param>
/// <param name="IsReadOnly">A <c>readonly</c> struct member outside a readonly struct.</param>
/// <param name="IsNew">The wrapper hides an inherited generated wrapper of the same signature (an overridden or hidden annotated method).</param>
/// <param name="TypeParameters">The method's type parameter names.</param>
/// <param name="Constraints">One <c>where T : …</c> clause per constrained type parameter.</param>
/// <param name="Shape">How the method returns, which decides sync/async acquisition.</param>
/// <param name="ReturnType">Fully qualified return type (the <c>T</c> of <c>Task&lt;T&gt;</c> stays inside it).</param>
/// <param name="Parameters">The wrapper's parameters, the image path already in place of the ImageAccess parameter.</param>
/// <param name="PathParameterIndex">Position of the image path parameter.</param>
/// <param name="LeaseName">Local name of the lease, unique against parameter and type parameter names.</param>
/// <param name="CancellationTokenName">The first CancellationToken parameter, which also bounds the wait; null if none.</param>
/// <param name="Grant">What to acquire.</param>
/// <param name="DocCref">The cref of the user's method, for <c>inheritdoc</c>.</param>
/// <param name="SortKey">Ordinal sort key that keeps a type's wrappers in a stable order.</param>
/// <param name="Attributes">The body's attributes callers and the compiler rely on, as C# (see <c>WrapperGenerator.Attributes</c>).</param>
/// <param name="ReturnAttributes">The same for <c>[return: …]</c>.</param>
/// <param name="DoesNotReturn">The body is <c>[DoesNotReturn]</c>: the wrapper throws should it return anyway, so it never returns either.</param>
/// <param name="NullableAnnotations">Whether the body is declared where nullable annotations are enabled; if not, the wrapper is too.</param>
internal sealed record WrapperModel(
    HierarchyInfo Containing,
    string Name,
    string Accessibility,
    bool IsStatic,
    bool IsReadOnly,
    bool IsNew,
    EquatableArray<string> TypeParameters,
    EquatableArray<string> Constraints,
    ReturnShape Shape,
    string ReturnType,
    EquatableArray<ParameterModel> Parameters,
    int PathParameterIndex,
    string LeaseName,
    string? CancellationTokenName,
    GrantModel Grant,
    string DocCref,
    string SortKey,
    EquatableArray<string> Attributes,
    EquatableArray<string> ReturnAttributes,
    bool DoesNotReturn,
    bool NullableAnnotations);

/// <summary>How a wrapped method returns.</summary>
internal enum ReturnShape
{
    /// <summary><c>void</c>: synchronous acquire, call, release.</summary>
    Void,
    /// <summary>Any other value (including custom awaitables, which are released when the method returns).</summary>
    Value,
    /// <summary><c>Task</c>: held until the task completes.</summary>
    Task,
    /// <summary><c>Task&lt;T&gt;</c>.</summary>
    TaskOfT,
    /// <summary><c>ValueTask</c>.</summary>
    ValueTask,
    /// <summary><c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTaskOfT,
}

/// <summary>One parameter of the wrapper as written in its declaration.</summary>
/// <param name="Name">Escaped name.</param>
/// <param name="Type">Fully qualified type with nullable annotations.</param>
/// <param name="RefKind">Declaration modifier: empty, <c>ref</c>, <c>in</c>, <c>out</c> or <c>ref readonly</c>.</param>
/// <param name="IsParams">A <c>params</c> array.</param>
/// <param name="IsThis">The <c>this</c> parameter of an extension method.</param>
/// <param name="IsScoped">Declared <c>scoped</c>.</param>
/// <param name="DefaultValue">The default value as C# source, or null when the parameter is required.</param>
/// <param name="Attributes">Carried attributes as C# (caller info, nullable flow…), empty for the path parameter.</param>
internal sealed record ParameterModel(
    string Name, string Type, string RefKind, bool IsParams, bool IsThis, bool IsScoped, string? DefaultValue,
    EquatableArray<string> Attributes)
{
    /// <summary>The modifier an argument needs to pass this parameter on (<c>ref readonly</c> is passed with <c>in</c>).</summary>
    public string ArgumentModifier => RefKind switch
    {
        "ref" => "ref ",
        "out" => "out ",
        "in" or "ref readonly" => "in ",
        _ => "",
    };
}

/// <summary>The grant and wait policy from the attribute, already rendered as C# expressions.</summary>
/// <param name="Perm">e.g. <c>global::ImageLock.Perm.Read | global::ImageLock.Perm.Write</c>.</param>
/// <param name="Unshare">e.g. <c>global::ImageLock.Unshare.None</c>.</param>
/// <param name="WaitMilliseconds">0 fails at once, -1 waits until cancelled, n waits up to n ms.</param>
/// <param name="LockBackingChain">Acquire an <c>ImageGraphLease</c> of a qcow2 image instead of an <c>ImageLease</c>.</param>
internal sealed record GrantModel(string Perm, string Unshare, int WaitMilliseconds, bool LockBackingChain);

/// <summary>All wrappers of one containing type: the unit of output (one file each).</summary>
internal sealed record TypeModel(HierarchyInfo Hierarchy, EquatableArray<WrapperModel> Wrappers);

/// <summary>The wrappers of one source file: the semantic transform's unit, so an edit elsewhere leaves them cached.</summary>
/// <param name="Path">The file's path.</param>
/// <param name="Wrappers">Its wrappable annotated methods, in declaration order.</param>
internal sealed record FileModel(string Path, EquatableArray<WrapperModel> Wrappers);
