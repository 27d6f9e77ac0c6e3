namespace ImageLock.Engine;

/// <summary>
/// The I/O in flight on a lease. Operations pass the gate shared; <c>Change</c> and <c>Dispose</c> shut it and wait
/// until the operations already through have finished, as QEMU drains I/O before it changes permissions. So no
/// operation ever runs on a descriptor being replaced or closed, nor under a grant being withdrawn, and a descriptor
/// number is never reused under an operation. Counts instead of a reader-writer lock: an async operation may finish on
/// another thread than it started on.
/// </summary>
internal sealed class OperationGate
{
    private const int Open = 0, Changing = 1, Released = 2;
    private int _inside;
    private int _state;

    /// <summary>Passes the gate, waiting while a change runs; false once the lease is released.</summary>
    public bool TryEnter()
    {
        var spin = new SpinWait();
        while (true)
        {
            Interlocked.Increment(ref _inside); // publish, then look: Shut publishes, then looks at _inside
            int state = Volatile.Read(ref _state);
            if (state == Open) return true;
            Leave();
            if (state == Released) return false;
            while (Volatile.Read(ref _state) == Changing) spin.SpinOnce();
        }
    }

    public void Leave() => Interlocked.Decrement(ref _inside);

    /// <summary>Shuts the gate (for a change, or for good) and waits for the operations inside. Callers serialise.</summary>
    public void Shut(bool forGood)
    {
        Interlocked.Exchange(ref _state, forGood ? Released : Changing);
        var spin = new SpinWait();
        while (Volatile.Read(ref _inside) != 0) spin.SpinOnce();
    }

    /// <summary>Opens the gate again after a change.</summary>
    public void Reopen() => Volatile.Write(ref _state, Open);
}
