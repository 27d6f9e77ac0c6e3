using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers.Diagnostics;

/// <summary>All ImageLock rules. Titles carry no period; messages name the requirement and the grant.</summary>
public static class DiagnosticDescriptors
{
    private const string Safety = "ImageLock.Safety";
    private const string Usage = "ImageLock.Usage";

    // $(HelpLinkBase) of Directory.Build.props, the repository URL's one spelling; each rule has docs/diagnostics/<ID>.md.
    private const string HelpBase = HelpLinks.Base;

    /// <summary>{0} operation, {1} what it needs, {2} method holding the grant, {3} the grant, {4} justification suffix.</summary>
    public static readonly DiagnosticDescriptor OperationNotGranted = new(
        DiagnosticIds.OperationNotGranted,
        "Operation not granted by [RequiresImageAccess]",
        "'{0}' requires {1}; '{2}' is granted only {3}{4}",
        Safety, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "An operation on the ImageAccess a method received needs a permission its [RequiresImageAccess] does not grant. The lease the generated wrapper takes would not allow it, so the operation throws at run time and, worse, the lock published to QEMU does not announce it.",
        helpLinkUri: HelpBase + DiagnosticIds.OperationNotGranted + ".md");

    /// <summary>{0} callee, {1} callee's grant, {2} caller, {3} caller's grant, {4} justification suffix.</summary>
    public static readonly DiagnosticDescriptor CalleeNeedsMore = new(
        DiagnosticIds.CalleeNeedsMore,
        "Callee needs more than the caller's grant",
        "'{0}' requires {1}; '{2}' is granted only {3}{4}",
        Safety, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "Passing the capability to another [RequiresImageAccess] method runs that method under the caller's lease, so the caller must grant every permission the callee uses and unshare everything the callee relies on being unshared.",
        helpLinkUri: HelpBase + DiagnosticIds.CalleeNeedsMore + ".md");

    /// <summary>{0} method, {1} reason.</summary>
    public static readonly DiagnosticDescriptor InvalidShape = new(
        DiagnosticIds.InvalidShape,
        "The generator cannot wrap this [RequiresImageAccess] method",
        "'{0}' cannot get a generated path overload: {1}",
        Usage, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The source generator writes a path-taking overload only for methods with exactly one ImageAccess parameter, in partial types, with no ref struct or pointer parameters, that are not iterators or ref-returning, and whose overload would not collide with an existing member.",
        helpLinkUri: HelpBase + DiagnosticIds.InvalidShape + ".md");

    /// <summary>{0} parameter, {1} where it escapes.</summary>
    public static readonly DiagnosticDescriptor EscapingCapability = new(
        DiagnosticIds.EscapingCapability,
        "ImageAccess escapes the call that holds the lease",
        "'{0}' {1} and can outlive the lease; the lease is released when the method returns",
        Safety, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The generated wrapper releases the lease when the body returns. An ImageAccess stored in a field or property, returned, or captured by a stored or returned delegate is used after release and throws ObjectDisposedException.",
        helpLinkUri: HelpBase + DiagnosticIds.EscapingCapability + ".md");

    /// <summary>{0} the acquiring call, {1} method, {2} its ImageAccess parameter.</summary>
    public static readonly DiagnosticDescriptor ReacquireInsideLease = new(
        DiagnosticIds.ReacquireInsideLease,
        "Acquiring a lease inside a lease",
        "'{0}' acquires another lease inside '{1}', which already holds '{2}'; under OFD locks a second lease on the same image in one process conflicts with the first, pass '{2}' instead",
        Safety, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A method that already received an ImageAccess should pass it to other annotated bodies instead of calling their path overloads or ImageLease.Acquire: QEMU's OFD locks are per open file description, so a second lease on the same image from the same process conflicts with the first.",
        helpLinkUri: HelpBase + DiagnosticIds.ReacquireInsideLease + ".md");

    /// <summary>{0} method.</summary>
    public static readonly DiagnosticDescriptor UnprotectedRead = new(
        DiagnosticIds.UnprotectedRead,
        "Read without unsharing write",
        "'{0}' reads with Perm.Read but does not unshare write; other processes may change the image while it reads",
        Usage, DiagnosticSeverity.Info, isEnabledByDefault: true,
        description: "A consistent read normally forbids other writers (QEMU's own 'convert' source unshares write). Add Unshare.Write, or keep the default if reading a live image is intended.",
        helpLinkUri: HelpBase + DiagnosticIds.UnprotectedRead + ".md");

    /// <summary>{0} method.</summary>
    public static readonly DiagnosticDescriptor DeclaresNothing = new(
        DiagnosticIds.DeclaresNothing,
        "[RequiresImageAccess] declares nothing",
        "'{0}' declares Perm.None and Unshare.None; the lease neither allows I/O nor protects anything",
        Usage, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A lease with no permission and nothing unshared only opens the file. Declare what the body does, or remove the attribute.",
        helpLinkUri: HelpBase + DiagnosticIds.DeclaresNothing + ".md");

    /// <summary>{0} method, {1} its grant, {2} base member, {3} base grant.</summary>
    public static readonly DiagnosticDescriptor BaseMismatch = new(
        DiagnosticIds.BaseMismatch,
        "Requirements differ from the overridden or implemented member",
        "'{0}' requires {1} but '{2}' requires {3}",
        Usage, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Callers check the capability against the member they call. An override or implementation with different requirements runs under a grant that was checked against something else.",
        helpLinkUri: HelpBase + DiagnosticIds.BaseMismatch + ".md");

    /// <summary>{0} method, {1} the value.</summary>
    public static readonly DiagnosticDescriptor InvalidWait = new(
        DiagnosticIds.InvalidWait,
        "Invalid WaitMilliseconds",
        "'{0}' declares WaitMilliseconds = {1}; use 0 (fail at once), -1 (wait until cancelled) or a positive number of milliseconds",
        Usage, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "The generator cannot turn a negative wait other than -1 into a lease wait, so it writes no path overload for the method and every caller of that overload fails to compile.",
        helpLinkUri: HelpBase + DiagnosticIds.InvalidWait + ".md");

    /// <summary>{0} method.</summary>
    public static readonly DiagnosticDescriptor UncancellableWait = new(
        DiagnosticIds.UncancellableWait,
        "Unbounded wait that cannot be cancelled",
        "'{0}' waits without limit for a conflicting holder (WaitMilliseconds = -1) but takes no CancellationToken; the wait ends only when the holder goes away",
        Usage, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "The generated path overload passes the method's first CancellationToken parameter to the acquisition. Without one, a wait of -1 blocks the caller for as long as QEMU or another process holds a conflicting lock. Add a CancellationToken parameter or declare a finite wait.",
        helpLinkUri: HelpBase + DiagnosticIds.UncancellableWait + ".md");

    /// <summary>{0} the suppressed rule ID.</summary>
    public static readonly DiagnosticDescriptor SuppressedCoreRule = new(
        DiagnosticIds.SuppressedCoreRule,
        "Suppression of the operation-not-granted rule",
        "This suppression silences {0}; an operation it hides is refused at run time and QEMU is not told about it",
        Safety, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "Suppressing IMGL0001 in source, by [SuppressMessage] or #pragma warning disable, does not make the operation legal. Every such suppression is reported so reviewers see it; project-wide severity settings are not.",
        helpLinkUri: HelpBase + DiagnosticIds.SuppressedCoreRule + ".md");
}
