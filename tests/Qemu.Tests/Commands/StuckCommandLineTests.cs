using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Tests.Support;
using static ImageLock.Qemu.Tests.Fixtures.ProcTasks;
using Xunit.Abstractions;

namespace ImageLock.Qemu.Tests.Commands;

/// <summary>
/// Naming a holder never hangs on its command line: the kernel reads /proc/PID/cmdline under that process's
/// memory-map lock, which a process stuck on a filesystem that does not answer keeps locked (how ps(1) hangs). A holder
/// (tests/ForeignLock --stuck-mmap: an OFD read lock on byte 201 of a qcow2 image) locks its own memory map on a FUSE
/// file whose reads are never answered; the test first checks that a plain read of its cmdline really blocks here. Then
/// a conflicting acquire is refused and names it by /proc/PID/comm, marked blocked; ImageStatus.Probe does too and
/// leaves one stuck reader thread however often, and however many at once, it runs; <c>imagelock status</c> (text,
/// JSON, the whole host) says so and exits although one of its threads is still blocked in that read.
/// </summary>
[Collection(nameof(StuckCommandLines))]
public sealed class StuckCommandLineTests(ITestOutputHelper output)
{
    [RootQemuFact]
    public void A_holder_whose_command_line_blocks_is_named_by_its_comm_and_nothing_hangs()
    {
        // It sees where a task waits through /proc/PID/task/TID/stack: without it every wait below would time out vaguely.
        Assert.True(Stack("/proc/thread-self/stack").Length > 0, "/proc/thread-self/stack is unreadable here "
            + "(a kernel without CONFIG_STACKTRACE, or not root): this test cannot tell where a read of a command line waits");
        using var dir = new TempDir();
        string image = dir.CreateImage("held.qcow2", "qcow2");
        var fuse = new StuckFuse();
        Process? holder = null;
        Thread? plainRead = null;
        try
        {
            holder = StartHolder(image, fuse.File);
            foreach (var expected in new[] { "locked", "mapped", "reading" })
                Assert.Equal(expected, holder.StandardOutput.ReadLine());
            WaitFor(() => fuse.ReadsWaiting > 0, holder, "its read of the mapping to reach the FUSE daemon");
            holder.StandardInput.WriteLine("queue");
            holder.StandardInput.Flush();
            // Its main thread's mmap, or one the runtime makes meanwhile (JIT, GC: seen in mprotect and mmap here).
            WaitFor(() => Tasks(holder.Id).Any(t => WaitsIn(holder.Id, t, "vm_mmap_pgoff", "do_mprotect_pkey", "vm_munmap", "rwsem_down_write")),
                holder, "a thread of it to queue for its mmap_lock for write");

            // The precondition, on this kernel: a plain read of its cmdline blocks (as ps would).
            int tid = 0;
            bool returned = false;
            // Killing the holder ends the blocked read with ESRCH: not an exception to crash the test host with.
            plainRead = new Thread(() => { tid = gettid(); try { File.ReadAllBytes($"/proc/{holder.Id}/cmdline"); } catch (IOException) { } returned = true; })
                { IsBackground = true, Name = "plain cmdline read" };
            plainRead.Start();
            WaitFor(() => Volatile.Read(ref returned) || (tid != 0 && WaitsIn(Environment.ProcessId, tid, "__access_remote_vm")), holder,
                "the plain read of its cmdline to return or block", () => $"the read (task {tid}): {File.ReadAllText($"/proc/self/task/{tid}/stat")}\n{Stack(Environment.ProcessId, tid)}");
            string kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            Assert.False(Volatile.Read(ref returned), $"on Linux {kernel} reading /proc/PID/cmdline of a process whose mmap_lock is " +
                "held for read (a fault on FUSE) with a writer queued did not block: this test's trap does not work on this kernel");
            output.WriteLine($"Linux {kernel}: the plain read of /proc/{holder.Id}/cmdline blocks:\n"
                + Stack(Environment.ProcessId, tid));

            string comm = File.ReadAllText($"/proc/{holder.Id}/comm").TrimEnd('\n');
            // Four scans at once, the first to meet it (as parallel tests and threads do): they share one read of it.
            using (var start = new Barrier(4))
            {
                var scans = Enumerable.Range(0, 4).Select(_ => Task.Run(() => { start.SignalAndWait(); return Bounded(() => ImageStatus.Probe(image)); })).ToArray();
                foreach (var scan in scans) Assert.True(Assert.Single(scan.Result.Holders).CommandLineBlocked);
            }
            var e = Bounded(() => Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image, Perm.Write, Unshare.None,
                new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan })));
            Assert.Equal("Failed to get \"write\" lock", e.QemuMessage);
            var named = Assert.Single(e.Holders);
            Assert.Equal(holder.Id, named.Pid);
            Assert.True(named.CommandLineBlocked, e.Message);
            Assert.Equal(comm, named.Command);
            Assert.Contains($"({comm}, named by /proc/{holder.Id}/comm: its command line could not be read, its memory map is locked)", e.Message);
            // The default budget: refused all the same (what it names within 50 ms is not asserted: no timing here).
            Bounded(() => Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image, Perm.Write, Unshare.None)));

            for (int i = 0; i < 3; i++)
            {
                var status = Bounded(() => ImageStatus.Probe(image));
                var h = Assert.Single(status.Holders);
                Assert.True(h.CommandLineBlocked);
                Assert.Equal(comm, h.Command);
            }
            // However often and however concurrently it was asked: one reader thread of this process is stuck on that
            // process, not one per call.
            var stuckReaders = Tasks(Environment.ProcessId).Where(t => Comm(Environment.ProcessId, t) == "cmdline reader"
                && WaitsIn(Environment.ProcessId, t, "__access_remote_vm")).ToList();
            Assert.Single(stuckReaders);

            // The CLI: each run exits although its reader of that command line is still blocked in the kernel.
            var text = ImagelockCli.Run("status", image);
            Assert.True(text.Ok, text.Stderr + text.Stdout);
            Assert.Contains($"{comm} (command line blocked)", text.Stdout);
            Assert.Contains($"pid {holder.Id}: named by /proc/{holder.Id}/comm: its command line could not be read, its memory map is locked", text.Stdout);
            foreach (var args in new[] { new[] { "status", "--json", image }, ["status", "--json"] }) // the image; the host
            {
                var run = ImagelockCli.Run(args);
                Assert.True(run.Ok, run.Stderr + run.Stdout);
                using var doc = JsonDocument.Parse(run.Stdout);
                var entry = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray(), i => JsonPaths.Is(i, image));
                var json = Assert.Single(entry.GetProperty("holders").EnumerateArray());
                Assert.Equal(holder.Id, json.GetProperty("pid").GetInt32());
                Assert.Equal(comm, json.GetProperty("command").GetString());
                Assert.True(json.GetProperty("command_blocked").GetBoolean());
            }
            Assert.False(Volatile.Read(ref returned)); // the trap held throughout
        }
        finally
        {
            fuse.Dispose(); // aborts the connection: the holder's read fails, its memory map and every reader are free
            if (holder is not null)
            {
                if (!holder.HasExited) kill(holder.Id, 9); // only the holder this test started
                holder.WaitForExit();
                holder.Dispose();
            }
            plainRead?.Join();
        }
    }

    /// <summary>Runs <paramref name="call"/> on a thread of its own and fails if it has not returned within two minutes:
    /// a hang guard (a call that blocks on the command line would otherwise hang the test run), not a timing assertion.</summary>
    private static T Bounded<T>(Func<T> call)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() => { try { result = call(); } catch (Exception e) { failure = e; } }) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromMinutes(2)), "the call did not return within two minutes: it hangs on the stuck command line");
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return result;
    }

    private static Process StartHolder(string image, string fuseFile)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "ImageLock.ForeignLock.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "ofd", "read", "201", "201", image, "--stuck-mmap", fuseFile }) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [DllImport("libc")] private static extern int gettid();
    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int signal);
}
