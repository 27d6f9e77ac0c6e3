namespace ImageLock.Qemu.Tests.Commands;

/// <summary>Tests whose holders lock their memory maps run alone: a holder scan of this test process (a conflict names
/// holders by reading every process's command line) would meet their holders and fill its own cap of stuck reads, so
/// other tests' holders would be named blocked, and these tests count this process's stuck readers.</summary>
[CollectionDefinition(nameof(StuckCommandLines), DisableParallelization = true)]
public sealed class StuckCommandLines;
