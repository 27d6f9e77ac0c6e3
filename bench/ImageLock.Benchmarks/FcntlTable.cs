using System.Text;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 2: the engine's fcntl lock calls per acquisition and per release for all 256 perm/unshare pairs, next to
/// QEMU's count. A row is "ok" when the engine never makes more calls than QEMU and covers exactly QEMU's bytes
/// (coalescing may merge calls, never add, drop or repeat a byte).
/// </summary>
internal static class FcntlTable
{
    public const string Begin = "<!-- fcntl-table:begin -->";
    public const string End = "<!-- fcntl-table:end -->";

    public static int Run(string? docPath)
    {
        var (table, violations) = Build();
        if (docPath is null) Console.Write(table);
        else
        {
            string doc = File.ReadAllText(docPath);
            int b = doc.IndexOf(Begin, StringComparison.Ordinal), e = doc.IndexOf(End, StringComparison.Ordinal);
            if (b < 0 || e < b) { Console.Error.WriteLine($"{docPath} has no {Begin} ... {End} section"); return 2; }
            File.WriteAllText(docPath, doc[..(b + Begin.Length)] + "\n" + table + doc[e..]);
            Console.WriteLine($"wrote the table into {docPath}");
        }
        Console.Error.WriteLine(violations == 0 ? "all 256 combinations ok" : $"{violations} combinations violate the goal");
        return violations == 0 ? 0 : 1;
    }

    private static (string Table, int Violations) Build()
    {
        using var images = new TempImages(1);
        string path = images.Paths[0];
        var rows = new StringBuilder();
        int violations = 0, fewer = 0, qemuTotal = 0, engineTotal = 0, maxQemu = 0, maxEngine = 0;
        using (var counter = new FcntlCounter())
        {
            for (int perm = 0; perm < 16; perm++)
            for (int unshare = 0; unshare < 16; unshare++)
            {
                counter.Take();
                var lease = ImageLease.Acquire(path, (Perm)perm, (Unshare)unshare);
                var acquire = counter.Take();
                lease.Dispose();
                var release = counter.Take();

                var grant = QemuAlgorithm.GrantBytes(perm, unshare);
                var check = QemuAlgorithm.CheckBytes(perm, unshare);
                int qAcq = grant.Count + check.Count, qRel = grant.Count;
                int eAcq = acquire.Calls, eRel = release.Calls;
                bool sameBytes = Same(acquire.LockBytes, grant) && Same(acquire.CheckBytes, check)
                    && acquire.Unlocks == 0 && Same(release.UnlockBytes, grant) && release.Locks + release.Checks == 0;
                bool ok = sameBytes && eAcq <= qAcq && eRel <= qRel;
                if (!ok) violations++;
                if (eAcq + eRel < qAcq + qRel) fewer++;
                qemuTotal += qAcq + qRel; engineTotal += eAcq + eRel;
                maxQemu = Math.Max(maxQemu, qAcq + qRel); maxEngine = Math.Max(maxEngine, eAcq + eRel);
                rows.Append($"| {PermNames.Format((Perm)perm)} | {PermNames.Format((Unshare)unshare)} | ")
                    .Append($"{grant.Count}+{check.Count}={qAcq} | {acquire.Locks}+{acquire.Checks}={eAcq} | {qRel} | {eRel} | ")
                    .Append(ok ? "ok" : sameBytes ? "MORE CALLS" : "BYTES DIFFER").Append(" |\n");
            }
        }
        var table = new StringBuilder()
            .Append($"Summary: {256 - violations}/256 combinations ok, {fewer} with fewer calls than QEMU; ")
            .Append($"calls per acquire+release cycle, summed over all 256: QEMU {qemuTotal}, engine {engineTotal} ")
            .Append($"({(double)engineTotal / qemuTotal:0.00}×); worst single cycle: QEMU {maxQemu}, engine {maxEngine}.\n\n")
            .Append("| perm | unshare | QEMU acquire (SETLK+GETLK) | engine acquire | QEMU release (UNLCK) | engine release | verdict |\n")
            .Append("|---|---|---|---|---|---|---|\n")
            .Append(rows);
        return (table.ToString(), violations);
    }

    private static bool Same(List<int> actual, List<int> expected) =>
        actual.Count == expected.Count && actual.Order().SequenceEqual(expected.Order());
}
