using System.Diagnostics;
using System.Globalization;
using ImageLock;
using ImageLock.Tests.Support;

// Stress worker for ImageLock.Sdk.Tests: random acquisitions on one image, recording each critical section
// (monotonic start/end, grant) so the test can check that no two conflicting sections ever overlapped.
// usage: ImageLock.StressWorker IMAGE ITERATIONS OUTFILE SEED   (waits for a line on stdin before starting)
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: ImageLock.StressWorker IMAGE ITERATIONS OUTFILE SEED");
    return 2;
}
string image = args[0];
int iterations = int.Parse(args[1], CultureInfo.InvariantCulture);
var random = new Random(int.Parse(args[3], CultureInfo.InvariantCulture));
using var output = new StreamWriter(args[2]);

// Warm up every path the loop takes (assemblies the runtime maps lazily, /dev/urandom for the jitter, the conflict
// path with its holder scan) so the descriptor counts before and after compare like with like.
// On a private scratch image: the other workers are warming up on the shared one at the same time.
string scratch = Path.GetTempFileName();
using (var warm = ImageLease.Acquire(scratch, Perm.All, Unshare.All))
{
    ImageLease.TryAcquire(scratch, Perm.Read, Unshare.None, out _, out _);
    Thread.Sleep(1);
    Thread.SpinWait(10);
    _ = random.Next() + Random.Shared.Next();
}
File.Delete(scratch);
ImageStatus.Probe(image, identifyHolders: false);
Console.WriteLine("ready");
Console.In.ReadLine(); // all workers start together
var fdsBefore = NewDescriptors.Snapshot();

int acquired = 0, refused = 0;
for (int i = 0; i < iterations; i++)
{
    var perm = (Perm)random.Next(16);
    var unshare = (Unshare)random.Next(16);
    if (!ImageLease.TryAcquire(image, perm, unshare, out var lease, out _))
    {
        refused++;
        continue;
    }
    // The critical section: after the acquisition returned (published and checked), before the release begins.
    long start = Stopwatch.GetTimestamp();
    if (random.Next(4) == 0) Thread.Sleep(1);
    else Thread.SpinWait(random.Next(20_000));
    long end = Stopwatch.GetTimestamp();
    lease.Dispose();
    acquired++;
    output.WriteLine($"{start} {end} {(int)perm} {(int)unshare}");
}
// Descriptors the loop left open, the runtime's own (an assembly loaded on a rare path, its pipes) set aside.
var leaked = NewDescriptors.Since(fdsBefore);
foreach (var fd in leaked) Console.Error.WriteLine("leaked " + fd);
int imageFds = NewDescriptors.Snapshot().Values.Count(target => target == Path.GetFullPath(image));
output.WriteLine($"# acquired={acquired} refused={refused} leaked-fds={leaked.Count} image-fds={imageFds}");
return 0;
