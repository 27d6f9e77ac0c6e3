using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Tests.Support;
using Xunit.Abstractions;
using static ImageLock.Qemu.Tests.Fixtures.ProcTasks;

namespace ImageLock.Qemu.Tests.Commands;

/// <summary>
/// The cap on stuck command-line reads (CommandLines.MaxStuck, 8): each read of a /proc/PID/cmdline that outlasts its
/// deadline leaves a thread blocked in the kernel until the holder's filesystem answers, and beyond the cap every new
/// command line is answered at once as blocked. Nine holders of nine images (tests/ForeignLock --stuck-mmap, as in
/// StuckCommandLineTests; one FUSE daemon serves them all) lock their memory maps. A scan of all of them, in a process
/// of its own (tests/ProbeWorker: the readers are static, and it stays alive while its threads are counted), names each
/// by its /proc/PID/comm, marked blocked, and exactly eight of its threads are blocked in the read (__access_remote_vm),
/// after one scan and after another: without the cap, or with it one higher, there would be nine. <c>imagelock
/// status</c> of the nine images, and of the whole host, ends and names each of them blocked too.
/// </summary>
[Collection(nameof(StuckCommandLines))]
public sealed class StuckCommandLineCapTests(ITestOutputHelper output)
{
    /// <summary>CommandLines.MaxStuck (src/Sdk/Engine/CommandLines.cs, internal): the number this test holds it to.</summary>
    private const int MaxStuck = 8;
    private const int Holders = MaxStuck + 1;

    [RootQemuFact]
    public void Beyond_eight_stuck_command_line_reads_no_more_threads_are_left_blocked_and_every_holder_is_named_blocked()
    {
        Assert.True(Stack("/proc/thread-self/stack").Length > 0, "/proc/thread-self/stack is unreadable here "
            + "(a kernel without CONFIG_STACKTRACE, or not root): this test cannot tell where a read of a command line waits");
        using var dir = new TempDir();
        var images = Enumerable.Range(0, Holders).Select(i => dir.File($"held{i}.raw")).ToArray();
        foreach (var image in images) File.WriteAllBytes(image, new byte[1 << 20]);
        var holders = new List<Process>();
        Process? worker = null;
        var fuse = new StuckFuse();
        try
        {
            foreach (var image in images) holders.Add(StartHolder(image, fuse.File));
            foreach (var holder in holders) Trap(holder, fuse);
            var comms = holders.ToDictionary(h => h.Id, h => File.ReadAllText($"/proc/{h.Id}/comm").TrimEnd('\n'));

            worker = StartWorker(images);
            Assert.Equal("ready", ReadLine(worker, "the worker to start"));
            for (int scan = 1; scan <= 2; scan++)
            {
                var clock = Stopwatch.StartNew();
                worker.StandardInput.WriteLine("probe");
                worker.StandardInput.Flush();
                for (int i = 0; i < Holders; i++)
                {
                    using var doc = JsonDocument.Parse(ReadLine(worker, $"scan {scan}'s probe of {images[i]}"));
                    Assert.Equal(images[i], doc.RootElement.GetProperty("image").GetString());
                    var named = Assert.Single(doc.RootElement.GetProperty("holders").EnumerateArray());
                    Assert.Equal(holders[i].Id, named.GetProperty("pid").GetInt32());
                    Assert.Equal(comms[holders[i].Id], named.GetProperty("command").GetString());
                    Assert.True(named.GetProperty("blocked").GetBoolean(), $"scan {scan}: holder {holders[i].Id} not marked blocked");
                }
                Assert.Equal("probed", ReadLine(worker, $"scan {scan} to end"));
                output.WriteLine($"scan {scan} of {Holders} stuck holders in the worker: {clock.ElapsedMilliseconds} ms");
                // The reads that outlasted their deadlines are in the kernel by now; a generous poll in case one is not asleep yet.
                int blocked = WaitForBlockedReads(worker.Id);
                Assert.True(blocked == MaxStuck, $"scan {scan}: {blocked} threads of the worker are blocked reading a command line, "
                    + $"not {MaxStuck} (the cap):\n{Describe(worker.Id)}");
            }

            // The CLI, a process of its own each run: it ends although eight of its readers are still blocked in the kernel.
            foreach (var args in new[] { ["status", "--json", .. images], new[] { "status", "--json" } }) // the images; the host
            {
                var clock = Stopwatch.StartNew();
                var run = ImagelockCli.Run(args);
                output.WriteLine($"imagelock {(args.Length > 2 ? "status --json IMAGES" : "status --json")}: {clock.ElapsedMilliseconds} ms");
                Assert.True(run.Ok, run.Stderr + run.Stdout);
                using var doc = JsonDocument.Parse(run.Stdout);
                var entries = doc.RootElement.GetProperty("images").EnumerateArray().ToList();
                for (int i = 0; i < Holders; i++)
                {
                    var entry = Assert.Single(entries, e => JsonPaths.Is(e, images[i]));
                    var json = Assert.Single(entry.GetProperty("holders").EnumerateArray());
                    Assert.Equal(holders[i].Id, json.GetProperty("pid").GetInt32());
                    Assert.Equal(comms[holders[i].Id], json.GetProperty("command").GetString());
                    Assert.True(json.GetProperty("command_blocked").GetBoolean(), run.Stdout);
                }
            }
        }
        finally
        {
            try { fuse.Dispose(); } // aborts the connection: every holder's read fails, their memory maps and every reader are free
            finally
            {
                foreach (var process in worker is null ? holders : [worker, .. holders])
                {
                    if (!process.HasExited) kill(process.Id, 9); // only the processes this test started
                    process.WaitForExit();
                    process.Dispose();
                }
            }
        }
    }

    private static Process StartHolder(string image, string fuseFile) =>
        Start("ImageLock.ForeignLock.dll", "ofd", "read", "201", "201", image, "--stuck-mmap", fuseFile);

    private static Process StartWorker(string[] images) => Start("ImageLock.ProbeWorker.dll", images);

    private static Process Start(string dll, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Makes the holder's mmap_lock a trap, as StuckCommandLineTests does: its fault on the FUSE file holds the
    /// lock for read (the first holder's read reaches the daemon; the others wait for that page), then its main thread
    /// queues for write.</summary>
    private static void Trap(Process holder, StuckFuse fuse)
    {
        foreach (var expected in new[] { "locked", "mapped", "reading" })
            Assert.Equal(expected, ReadLine(holder, $"holder {holder.Id} to say {expected}"));
        WaitFor(() => fuse.ReadsWaiting > 0 && Tasks(holder.Id).Any(t => Comm(holder.Id, t) == "faults on FUSE"
            && WaitsIn(holder.Id, t, "__access_remote_vm")), holder, "its fault on the FUSE file to wait");
        holder.StandardInput.WriteLine("queue");
        holder.StandardInput.Flush();
        WaitFor(() => Tasks(holder.Id).Any(t => WaitsIn(holder.Id, t, "vm_mmap_pgoff", "do_mprotect_pkey", "vm_munmap", "rwsem_down_write")),
            holder, "a thread of it to queue for its mmap_lock for write");
    }

    /// <summary>The worker's threads asleep in a read of another process's memory (a command line): polled until there
    /// are <see cref="MaxStuck"/> or more, or for twenty seconds (a hang guard, not a timing assertion).</summary>
    private static int WaitForBlockedReads(int pid)
    {
        var guard = Stopwatch.StartNew();
        while (true)
        {
            int blocked = Tasks(pid).Count(t => WaitsIn(pid, t, "__access_remote_vm"));
            if (blocked >= MaxStuck || guard.Elapsed > TimeSpan.FromSeconds(20)) return blocked;
            Thread.Sleep(20);
        }
    }

    /// <summary>A line of the process's stdout; fails when it ends or after two minutes (a hang guard).</summary>
    private static string ReadLine(Process process, string what)
    {
        var line = process.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(TimeSpan.FromMinutes(2)), $"gave up waiting for {what}:\n{Describe(process.Id)}");
        return line.Result ?? throw new Xunit.Sdk.XunitException($"process {process.Id} ended while waiting for {what}");
    }

    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int signal);
}
