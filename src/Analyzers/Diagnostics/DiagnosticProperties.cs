namespace ImageLock.Analyzers.Diagnostics;

/// <summary>Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> the code fixes read.</summary>
public static class DiagnosticProperties
{
    /// <summary>Perm bits (decimal) the fix adds to the method's attribute.</summary>
    public const string MissingPerm = "MissingPerm";

    /// <summary>Unshare bits (decimal) the fix adds to the method's attribute.</summary>
    public const string MissingUnshare = "MissingUnshare";

    /// <summary>Which IMGL0003 shape was found (one of the <see cref="ShapeReasons"/> names).</summary>
    public const string ShapeReason = "ShapeReason";

    /// <summary>Name of the ImageAccess parameter to pass instead of re-acquiring.</summary>
    public const string Capability = "Capability";
}

/// <summary>Values of <see cref="DiagnosticProperties.ShapeReason"/>.</summary>
public static class ShapeReasons
{
    public const string NoCapability = nameof(NoCapability);
    public const string SeveralCapabilities = nameof(SeveralCapabilities);
    public const string NotPartial = nameof(NotPartial);
    public const string Collision = nameof(Collision);
    public const string UnsupportedParameter = nameof(UnsupportedParameter);
    public const string Iterator = nameof(Iterator);
    public const string RefReturn = nameof(RefReturn);
}
