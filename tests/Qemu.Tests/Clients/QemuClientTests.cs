using System.Text.RegularExpressions;
using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;

namespace ImageLock.Qemu.Tests.Clients;

/// <summary>
/// QEMU against QEMU, as the reference's "QEMU clients while a configuration holds the image": while a configuration
/// holds the image, qemu-img info [-U], qemu-io -r [-U] and qemu-io write succeed or fail with QEMU's lock message.
/// Each version against itself, and across versions on the same files (a 5.2 or 10.0 holder and 7.2's clients, a 7.2
/// holder and 5.2's clients): the outcome follows the holder's bytes, whichever version asks.
/// </summary>
public sealed partial class QemuClientTests(HolderPool pool) : IClassFixture<HolderPool>
{
    private static readonly (string Config, string Format)[] Configs =
    [
        ("qemu-io (rw)", "raw"), ("qemu-io (rw)", "qcow2"), ("qemu-io -r", "qcow2"), ("qemu-io -r -U", "qcow2"),
        ("qemu-nbd (rw) foreground", "raw"), ("qemu-nbd (rw) foreground", "qcow2"), ("qemu-nbd -r --fork", "qcow2"),
        ("qsd rw + NBD export writable=on", "raw"), ("qsd rw + NBD export writable=on", "qcow2"),
        ("qsd read-only=on + NBD export", "qcow2"), ("qsd blockdev file+fmt (rw), no export", "qcow2"),
        ("qsys q35, -drive + virtio-blk-pci", "raw"), ("qsys q35, -drive + virtio-blk-pci", "qcow2"),
        ("qsys q35, -drive readonly=on + virtio-blk-pci", "raw"), ("qsys q35, -drive + virtio-blk-pci,share-rw=on", "raw"),
        ("qsys q35, -drive file.locking=off + virtio-blk-pci", "raw"), ("qsys q35, -drive file.locking=off + virtio-blk-pci", "qcow2"),
    ];

    /// <summary>(holder version, client version): each with itself, and across versions with 7.2 on one side.</summary>
    private static readonly (string Holder, string Client)[] Pairs =
        [("5.2", "5.2"), ("7.2", "7.2"), ("10.0", "10.0"), ("5.2", "7.2"), ("7.2", "5.2"), ("10.0", "7.2")];

    public static TheoryData<string, string, string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string, string, string>();
            foreach (var (holder, client) in Pairs)
                foreach (var (config, format) in Configs) data.Add(holder, client, config, format);
            return data;
        }
    }

    [QemuTheory, MemberData(nameof(Cases))]
    public void Qemu_clients_while_a_configuration_holds(string version, string clientVersion, string config, string format)
    {
        var holder = pool.Get(config, format, version);
        for (int c = 0; c < ReferenceTable.Clients.Length; c++)
        {
            string? expected = ReferenceTable.ClientOutcome(config, format, c, version);
            string before = TempDir.Sha256(holder.Image);
            var result = Run(clientVersion, ReferenceTable.Clients[c], format, holder.Image);
            string what = $"[QEMU {clientVersion}] {ReferenceTable.Clients[c]} while {holder} holds";
            if (expected is null)
                Assert.True(result.Ok, $"{what}: expected ok, got exit {result.ExitCode}: {result.Stderr}");
            else
            {
                Assert.True(result.ExitCode == 1, $"{what}: expected '{expected}', got exit {result.ExitCode}: {result.Stderr}");
                Assert.Equal(expected, LockMessage().Match(result.Stderr).Value);
                Assert.EndsWith($"Is another process using the image [{holder.Image}]?\n", result.Stderr, StringComparison.Ordinal);
                Assert.Equal(before, TempDir.Sha256(holder.Image)); // refused: not a byte changed
            }
            holder.WaitReady(); // the holder's bytes are exactly what they were
        }
    }

    private static CommandResult Run(string version, string client, string format, string image) => client switch
    {
        "qemu-img info" => QemuCommand.RunIn(version, "qemu-img", "info", "-f", format, image),
        "qemu-img info -U" => QemuCommand.RunIn(version, "qemu-img", "info", "-U", "-f", format, image),
        "qemu-io -r read" => QemuCommand.RunIn(version, "qemu-io", "-r", "-f", format, "-c", "read 0 4k", image),
        "qemu-io -r -U read" => QemuCommand.RunIn(version, "qemu-io", "-r", "-U", "-f", format, "-c", "read 0 4k", image),
        "qemu-io write" => QemuCommand.RunIn(version, "qemu-io", "-f", format, "-c", "write 0 4k", image),
        _ => throw new ArgumentException($"unknown client {client}"),
    };

    [GeneratedRegex("Failed to get (shared )?\"[a-z ]+\" lock")]
    private static partial Regex LockMessage();
}
