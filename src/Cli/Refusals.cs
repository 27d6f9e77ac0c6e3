namespace ImageLock.Cli;

/// <summary>How the command names the holders when it is refused.</summary>
internal static class Refusals
{
    /// <summary>Every holder, as <c>status</c> names them. The library's default budget (50 ms) suits a warm process that
    /// must answer fast; imagelock is a fresh process whose first scan also pays for loading and compiling its own code,
    /// which alone can spend those 50 ms before any holder is read. A person at a terminal wants the names.</summary>
    public static readonly TimeSpan HolderScanBudget = Timeout.InfiniteTimeSpan;
}
