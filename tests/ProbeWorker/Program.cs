using System.Text.Json;
using ImageLock;

// A scanning process for tests/Qemu.Tests StuckCommandLineCapTests: the engine's command-line readers are static, so
// scans in a process of their own start from nothing, and the process stays alive while the test counts its threads
// blocked in the kernel. For each line on stdin it probes every IMAGE with ImageStatus.Probe, prints one JSON line per
// image ({"image", "holders": [{"pid", "command", "blocked"}]}) and then "probed"; it exits when stdin closes.
// usage: ImageLock.ProbeWorker IMAGE...
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ImageLock.ProbeWorker IMAGE...");
    return 2;
}
Console.WriteLine("ready");
while (Console.ReadLine() is not null)
{
    foreach (string image in args)
    {
        var holders = ImageStatus.Probe(image).Holders.Select(h => new Holder(h.Pid, h.Command, h.CommandLineBlocked)).ToList();
        Console.WriteLine(JsonSerializer.Serialize(new Probed(image, holders), Web));
    }
    Console.WriteLine("probed");
}
return 0;

partial class Program
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web); // camelCase names
}

internal sealed record Probed(string Image, List<Holder> Holders);
internal sealed record Holder(int Pid, string? Command, bool Blocked);
