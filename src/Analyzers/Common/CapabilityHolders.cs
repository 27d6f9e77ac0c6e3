using Microsoft.CodeAnalysis;

namespace ImageLock.Analyzers.Common;

/// <summary>
/// Cheap tests, asked once per operation block, that decide whether a rule registers per-operation actions there at all:
/// most bodies of a codebase never see an ImageAccess parameter, and per-operation actions are what a build pays for.
/// </summary>
internal static class CapabilityHolders
{
    /// <summary>True when the method takes an ImageAccess parameter.</summary>
    public static bool Holds(IMethodSymbol? method, KnownSymbols symbols)
    {
        if (method is null) return false;
        foreach (var parameter in method.Parameters)
            if (symbols.IsImageAccess(parameter.Type)) return true;
        return false;
    }

    /// <summary>
    /// True when the block's owner receives an ImageAccess and declares a grant: the only capability in the block a grant
    /// judges (GrantCache.InEffect), since a lambda's or local function's own parameter is not judged and a primary
    /// constructor's cannot carry [RequiresImageAccess] (AttributeTargets.Method).
    /// </summary>
    public static bool HoldsGranted(ISymbol owner, GrantCache grants) =>
        owner is IMethodSymbol method && Holds(method, grants.Symbols) && grants.InEffect(method) is not null;
}
