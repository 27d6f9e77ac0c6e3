namespace ImageLock.Analyzers.Diagnostics;

/// <summary>Every rule ID in one place; docs/diagnostics/&lt;ID&gt;.md explains each.</summary>
public static class DiagnosticIds
{
    public const string OperationNotGranted = "IMGL0001";
    public const string CalleeNeedsMore = "IMGL0002";
    public const string InvalidShape = "IMGL0003";
    public const string EscapingCapability = "IMGL0004";
    public const string ReacquireInsideLease = "IMGL0005";
    public const string UnprotectedRead = "IMGL0006";
    public const string DeclaresNothing = "IMGL0007";
    public const string BaseMismatch = "IMGL0008";
    public const string SuppressedCoreRule = "IMGL0009";
    public const string InvalidWait = "IMGL0010";
    public const string UncancellableWait = "IMGL0011";
}
