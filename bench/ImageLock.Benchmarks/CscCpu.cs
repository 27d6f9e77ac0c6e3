using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 6 without the noise of a loaded machine: the CPU time (user + sys) of the compiler process itself.
/// `dotnet build` of BuildTime's consumer captures csc's exact command line per configuration (no analyzers /
/// the SDK's only / the SDK's + ImageLock's); then each round runs csc once per configuration, in rotated order,
/// as a fresh process without the compiler server, and takes its CPU time from getrusage(RUSAGE_CHILDREN):
/// the kernel's count for the reaped child, which other processes' load does not inflate (wall time is kept too).
/// With <c>serial</c> every csc runs with <c>/parallel-</c>: one thread, so its CPU time is the work done and not
/// also the time concurrent analysis spends waiting and spinning, which varies from run to run.
/// </summary>
internal static partial class CscCpu
{
    private static readonly PackedSdk.Config[] Configs = PackedSdk.Configs;

    public static int Run(int runs, int[] sizes, bool serial)
    {
        string root = BuildTime.RepositoryRoot();
        var temp = Directory.CreateTempSubdirectory("imagelock-csccpu-");
        try
        {
            var sdk = PackedSdk.Pack(root, temp);
            var rows = new List<string>();
            foreach (int methods in sizes)
            {
                string project = sdk.Consumer(Path.Combine(temp.FullName, $"Consumer{methods}"), methods);
                var (csc, rsps) = Capture(project, sdk.Env);
                Check(project, csc, rsps);
                rows.Add(Measure(project, csc, rsps, methods, runs, serial));
            }
            PackedSdk.PrintTable("| methods | runs | csc CPU: no analyzers | SDK's analyzers | SDK's + ImageLock's | **ImageLock's share** (min–max) | all analyzers' share (min–max) | wall: SDK's → + ImageLock's | load | csc |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|", rows);
            return 0;
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    /// <summary>csc's command line per configuration, from a build that stops before running the compiler.</summary>
    private static (string Csc, string[] Rsps) Capture(string project, Dictionary<string, string?> env)
    {
        var rsps = new string[Configs.Length];
        string roslyn = "";
        for (int k = 0; k < Configs.Length; k++)
        {
            string rsp = Path.Combine(project, $"csc{k}.rsp");
            BuildTime.Exec(project, env, "dotnet", ["msbuild", "-t:Compile", "-nologo", "-nodeReuse:false", "-v:q", // Compile only: nothing to copy
                "-p:ProvideCommandLineArgs=true", "-p:SkipCompilerExecution=true", $"-p:BenchCscArgs={rsp}", .. Configs[k].Properties]).Require();
            // One argument a line; quote each (paths may hold spaces) and drop none.
            File.WriteAllLines(rsp, File.ReadAllLines(rsp).Where(l => l.Length > 0).Select(Quote));
            rsps[k] = rsp;
            roslyn = File.ReadAllText(rsp + ".roslyn").Trim();
        }
        return (Path.Combine(roslyn, "bincore", "csc.dll"), rsps);
    }

    private static string Quote(string arg) => arg.Contains(' ') && !arg.Contains('"') ? $"\"{arg}\"" : arg;

    /// <summary>Guards: (c) runs ImageLock's analyzers and has no IMGL diagnostic, (b) does not load them, and every
    /// configuration compiles (each caller calls a generated wrapper) to the same assembly.</summary>
    private static void Check(string project, string csc, string[] rsps)
    {
        var outputs = new List<string>();
        for (int k = 0; k < rsps.Length; k++)
        {
            var run = BuildTime.Exec(project, null, "dotnet", "exec", csc, "/reportanalyzer", $"@{rsps[k]}").Require();
            bool ours = run.Output.Contains("ImageLock.Analyzers.PermissionAnalyzer", StringComparison.Ordinal);
            if (k == 2 && !ours) throw new InvalidOperationException($"SDK's + ImageLock's did not run ImageLock's analyzers:\n{run.Output}");
            if (k == 1 && ours) throw new InvalidOperationException($"SDK's only ran ImageLock's analyzers:\n{run.Output}");
            if (Regex.IsMatch(run.Output, @"(warning|error) IMGL\d{4}")) throw new InvalidOperationException($"ImageLock diagnostics:\n{run.Output}");
            outputs.Add(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(OutputOf(project, rsps[k])))));
        }
        if (outputs.Distinct().Count() != 1) throw new InvalidOperationException("the configurations produced different assemblies (not the same generated wrappers?)");
    }

    private static string OutputOf(string project, string rsp) =>
        Path.Combine(project, File.ReadAllLines(rsp).Single(l => l.StartsWith("/out:", StringComparison.Ordinal))["/out:".Length..].Trim('"'));

    private static string Measure(string project, string csc, string[] rsps, int methods, int runs, bool serial)
    {
        var cpu = Configs.Select(_ => new List<double>()).ToArray();
        var wall = Configs.Select(_ => new List<double>()).ToArray();
        var load = new List<double>();
        for (int r = 0; r < runs; r++)
            for (int i = 0; i < Configs.Length; i++)
            {
                int k = (i + r) % Configs.Length; // rotated: no configuration always goes first
                load.Add(BuildTime.LoadAverage());
                var (c, w) = Compile(project, csc, rsps[k], serial);
                cpu[k].Add(c);
                wall[k].Add(w);
                Console.WriteLine($"// {methods:N0} methods, round {r + 1}, {Configs[k].Name}: CPU {c:N0} ms, wall {w:N0} ms");
            }
        // Shares per round (the three compiles ran back to back), then median and spread over rounds.
        var ours = cpu[2].Zip(cpu[1], (x, y) => (x - y) / x).ToList();
        var all = cpu[2].Zip(cpu[0], (x, y) => (x - y) / x).ToList();
        string Cell(int k) => $"{BuildTime.MedianOf(cpu[k]):N0} ms ({cpu[k].Min():N0}–{cpu[k].Max():N0})";
        return $"| {methods:N0} | {runs} | {Cell(0)} | {Cell(1)} | {Cell(2)} | **{BuildTime.MedianOf(ours):P1}** ({ours.Min():P1}–{ours.Max():P1}) | " +
            $"{BuildTime.MedianOf(all):P1} ({all.Min():P1}–{all.Max():P1}) | {BuildTime.MedianOf(wall[1]):N0} → {BuildTime.MedianOf(wall[2]):N0} ms | {load.Min():0.0}–{load.Max():0.0} | {(serial ? "one thread (`/parallel-`)" : "concurrent (default)")} |";
    }

    /// <summary>One fresh csc (no /shared: no compiler server); its user + sys CPU from the kernel once it is reaped.
    /// Nothing else of this process runs a child meanwhile, so the RUSAGE_CHILDREN delta is csc's alone.</summary>
    private static (double CpuMs, double WallMs) Compile(string project, string csc, string rsp, bool serial)
    {
        string[] threads = serial ? ["/parallel-"] : [];
        double before = ChildrenCpuMs();
        long t0 = Stopwatch.GetTimestamp();
        BuildTime.Exec(project, null, "dotnet", ["exec", csc, .. threads, $"@{rsp}"]).Require();
        double wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        return (ChildrenCpuMs() - before, wall);
    }

    private static double ChildrenCpuMs()
    {
        if (getrusage(RusageChildren, out var u) != 0) throw new InvalidOperationException($"getrusage: errno {Marshal.GetLastPInvokeError()}");
        return (u.UtimeSec + u.StimeSec) * 1000.0 + (u.UtimeUsec + u.StimeUsec) / 1000.0;
    }

    private const int RusageChildren = -1;

    /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, out Rusage usage);
}
