using System.Diagnostics;

namespace ImageLock.Tests.Support;

internal static class Poll
{
    /// <summary>Polls <paramref name="condition"/> until true or <paramref name="timeout"/>; returns the last result.</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout, int intervalMs = 20)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (condition()) return true;
            if (sw.Elapsed > timeout) return false;
            Thread.Sleep(intervalMs);
        }
    }
}
