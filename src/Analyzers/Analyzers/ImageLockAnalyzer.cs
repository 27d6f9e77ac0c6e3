using ImageLock.Analyzers.Common;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers;

/// <summary>
/// What every ImageLock rule shares: concurrent execution, generated code (our own wrappers) not analyzed, the SDK's
/// symbols resolved once per compilation, and nothing registered when the compilation does not reference the SDK.
/// </summary>
public abstract class ImageLockAnalyzer : DiagnosticAnalyzer
{
    public sealed override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            if (KnownSymbols.TryCreate(start.Compilation) is { } symbols) Register(start, symbols);
        });
    }

    /// <summary>Registers the rule's actions for one compilation; state lives in locals captured here, never in fields.</summary>
    private protected abstract void Register(CompilationStartAnalysisContext start, KnownSymbols symbols);
}
