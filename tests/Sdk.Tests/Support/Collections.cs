namespace ImageLock.Tests.Support;

/// <summary>Tests that touch process-wide state (the fault-injection seam) or count every descriptor of the process:
/// xunit runs this collection alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process-wide state)";
}
