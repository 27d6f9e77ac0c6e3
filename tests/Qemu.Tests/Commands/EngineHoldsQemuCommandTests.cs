using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;

namespace ImageLock.Qemu.Tests.Commands;

/// <summary>
/// The other direction: while the engine holds a grant, qemu-img and qemu-io succeed or fail exactly as the
/// reference's "QEMU commands while an external program holds locks" tables say, with QEMU's exact stderr; a refused
/// command never modifies the image. Each row runs against every QEMU version, with that version's expectations.
/// </summary>
public sealed class EngineHoldsQemuCommandTests(TemplateImages templates) : IClassFixture<TemplateImages>
{
    /// <summary>Every row whose holder is the protocol (OFD or --posix) or nobody; rows with a raw F_WRLCK holder need
    /// a misbehaving tool, not the engine, and are covered by the engine's unit tests.</summary>
    public static TheoryData<string, string, string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var row in ReferenceData.Commands)
                if (row[1] == "none" || row[1].StartsWith("ref ", StringComparison.Ordinal))
                    data.Add(row[0], row[1], row[3]);
            return QemuVersions.Cross(data);
        }
    }

    [QemuTheory, MemberData(nameof(Cases))]
    public void Qemu_command_while_engine_holds(string version, string format, string holder, string command)
    {
        var expected = ReferenceTable.Command(format, holder, command, version);
        int expectedRc = expected.ExitCode;
        string expectedMessage = expected.Message;

        using var dir = new TempDir();
        var image = templates.CopyTo(format, dir.File($"ext.{format}"));
        string before = TempDir.Sha256(image); // hash before locking: POSIX locks vanish when any fd of the file closes
        var (tool, args) = ReferenceCommand.For(command, format, image, dir.Path);

        CommandResult result;
        using (var lease = Acquire(holder, image))
        {
            string key = ProcLocks.InodeKey(image);
            var heldBefore = ProcLocks.ByteList(ProcLocks.OfInode(Environment.ProcessId, key));
            if (lease is not null && lease.Locking != LockingMode.Posix)
                Assert.Equal(ProcLocks.ByteList(lease.Perm, lease.Unshare), heldBefore);
            result = QemuCommand.RunIn(version, tool, args);
            if (lease is not null && lease.Locking != LockingMode.Posix)
                Assert.Equal(heldBefore, ProcLocks.ByteList(ProcLocks.OfInode(Environment.ProcessId, key))); // QEMU did not disturb us
        }

        Assert.True(expectedRc == result.ExitCode,
            $"[QEMU {version}] {command} ({format}) while the engine holds '{holder}': expected exit {expectedRc} '{expectedMessage}', got {result.ExitCode}:\n{result.Stderr}");
        if (expectedRc != 0 && expectedRc != 63)
            Assert.Equal(expectedMessage, result.ReferenceMessage(dir.Path));

        switch (expected.Image)
        {
            case ImageAfter.Deleted:
                Assert.False(File.Exists(image), "pitfall 4: a failed qcow2 create after the protocol truncate deletes the file");
                break;
            case ImageAfter.Changed: // it really wrote (e.g. create over perm=read = data lost)
                Assert.NotEqual(before, TempDir.Sha256(image));
                break;
            default: // refused, or a reader: not a byte changed
                Assert.Equal(before, TempDir.Sha256(image));
                break;
        }
    }

    private static ImageLease? Acquire(string holder, string image)
    {
        if (holder == "none") return null;
        var grant = Grant.Parse(holder);
        var options = holder.Contains("--posix", StringComparison.Ordinal)
            ? ImageLockOptions.Default with { Locking = LockingMode.Posix }
            : ImageLockOptions.Default;
        return ImageLease.Acquire(image, grant.Perm, grant.Unshare, options);
    }
}
