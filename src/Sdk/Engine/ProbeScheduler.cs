using System.Diagnostics;

namespace ImageLock.Engine;

/// <summary>
/// Where async waiters wait. A waiter's probes (F_GETLK only) run on one shared background thread, and the async caller
/// is woken only when a probe looks clear, its time is up, or it is cancelled. With one <c>Task.Delay</c> per probe every
/// wake-up went through the thread pool, whose workers spin after each item: 3-5 % of a core per waiting image.
/// Probes and completions both happen on the scheduler thread, so no probe is in flight once the caller resumes.
/// </summary>
internal static class ProbeScheduler
{
    private static readonly object Gate = new();
    private static readonly PriorityQueue<Waiter, long> Due = new();
    private static bool _started;

    /// <summary>True when a probe looked clear, false when the wait's time is up.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static Task<bool> WhenClearAsync(Func<bool> looksClear, Backoff backoff, CancellationToken cancellationToken)
    {
        if (!backoff.TryNext(out var delay)) return Task.FromResult(false);
        var waiter = new Waiter(looksClear, backoff, cancellationToken);
        if (cancellationToken.CanBeCanceled)
            waiter.Registration = cancellationToken.Register(static w => Enqueue((Waiter)w!, TimeSpan.Zero), waiter);
        Enqueue(waiter, delay);
        return waiter.Done.Task;
    }

    private static void Enqueue(Waiter waiter, TimeSpan delay)
    {
        lock (Gate)
        {
            if (!_started)
            {
                new Thread(Run) { IsBackground = true, Name = "ImageLock waiters" }.Start();
                _started = true;
            }
            Due.Enqueue(waiter, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
            Monitor.Pulse(Gate);
        }
    }

    private static void Run()
    {
        while (true)
        {
            Waiter waiter;
            lock (Gate)
            {
                while (!Due.TryPeek(out waiter!, out long due) || due > Stopwatch.GetTimestamp())
                {
                    if (Due.Count == 0) { Monitor.Wait(Gate); continue; }
                    // Round up: Monitor.Wait counts whole milliseconds, and a zero wait would spin until the due time.
                    double ms = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due).TotalMilliseconds;
                    if (ms > 0) Monitor.Wait(Gate, (int)Math.Ceiling(ms));
                }
                Due.Dequeue();
            }
            Step(waiter);
        }
    }

    private static void Step(Waiter waiter)
    {
        if (waiter.Done.Task.IsCompleted) return; // a cancellation's early entry already finished it
        if (waiter.Token.IsCancellationRequested) { waiter.Finish(() => waiter.Done.TrySetCanceled(waiter.Token)); return; }
        bool clear;
        try { clear = waiter.LooksClear(); }
        catch (Exception e) { waiter.Finish(() => waiter.Done.TrySetException(e)); return; }
        if (clear) waiter.Finish(() => waiter.Done.TrySetResult(true));
        else if (!waiter.Backoff.TryNext(out var delay)) waiter.Finish(() => waiter.Done.TrySetResult(false));
        else Enqueue(waiter, delay);
    }

    private sealed class Waiter(Func<bool> looksClear, Backoff backoff, CancellationToken token)
    {
        public Func<bool> LooksClear { get; } = looksClear;
        public Backoff Backoff { get; } = backoff;
        public CancellationToken Token { get; } = token;
        public CancellationTokenRegistration Registration { get; set; }

        // Continuations run on the thread pool, never on the scheduler thread.
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Finish(Action complete)
        {
            Registration.Dispose();
            complete();
        }
    }
}
