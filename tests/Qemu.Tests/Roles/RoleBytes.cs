using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Roles;

/// <summary>What one holder publishes on one image: the probe from outside, and its own fdinfo lock lines.</summary>
public sealed record RoleBytes(string Probe, IReadOnlyList<FdLocks> Fds)
{
    public static RoleBytes Capture(string image, int pid) =>
        new(Bytes.Describe(ImageStatus.Probe(image, identifyHolders: false)), ProcLocks.Of(pid, image));

    /// <summary>Same bytes, one descriptor each, same access mode, same lock kind (OFD read locks only).</summary>
    public static void AssertSame(RoleBytes qemu, RoleBytes engine, string what)
    {
        Assert.True(qemu.Probe == engine.Probe, $"{what}: probe while QEMU holds '{qemu.Probe}' vs while the engine holds '{engine.Probe}'");
        Assert.True(qemu.Fds.Count == 1 && engine.Fds.Count == 1,
            $"{what}: expected one locked descriptor each; QEMU: {Render(qemu)}; engine: {Render(engine)}");
        Assert.True(ProcLocks.ByteList(qemu.Fds) == ProcLocks.ByteList(engine.Fds) && qemu.Fds[0].ReadWrite == engine.Fds[0].ReadWrite,
            $"{what}: fdinfo differs; QEMU: {Render(qemu)}; engine: {Render(engine)}");
        Assert.Equal(["OFDLCK READ"], engine.Fds[0].Kinds);
        Assert.Equal(qemu.Fds[0].Kinds, engine.Fds[0].Kinds);
    }

    private static string Render(RoleBytes r) => string.Join(" | ", r.Fds.Select(f => f.Render()));
}
