using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>A minimal QMP client on a unix socket: readiness (greeting + qmp_capabilities) and commands.</summary>
public sealed class Qmp : IDisposable
{
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly StreamWriter _writer;

    private Qmp(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: false);
        _reader = new StreamReader(stream);
        _writer = new StreamWriter(stream) { AutoFlush = true, NewLine = "\n" };
    }

    /// <summary>Connects once the socket exists and QEMU answers; fails with QEMU's stderr if it died first.</summary>
    public static Qmp Connect(string socketPath, QemuProcess owner, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        while (true)
        {
            owner.EnsureRunning();
            if (File.Exists(socketPath))
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    socket.Connect(new UnixDomainSocketEndPoint(socketPath));
                    socket.ReceiveTimeout = 20000;
                    var qmp = new Qmp(socket);
                    var greeting = qmp.ReadMessage();
                    if (greeting["QMP"] is null) throw new XunitException($"unexpected QMP greeting: {greeting}");
                    qmp.Execute("qmp_capabilities");
                    return qmp;
                }
                catch (SocketException) { socket.Dispose(); }
            }
            if (clock.Elapsed > limit)
                throw new XunitException($"QMP socket {socketPath} did not answer within {limit.TotalSeconds}s\n{owner.Description}\nstderr:\n{owner.Stderr}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Runs a command; returns "return" or throws with QEMU's error text.</summary>
    public JsonNode? Execute(string command, JsonObject? arguments = null)
    {
        var reply = TryExecute(command, arguments);
        if (reply.Error is string error) throw new XunitException($"QMP {command} failed: {error}");
        return reply.Return;
    }

    /// <summary>Runs a command; QEMU's error "desc" (e.g. <c>Failed to get "write" lock</c>) or its return.</summary>
    public (JsonNode? Return, string? Error) TryExecute(string command, JsonObject? arguments = null)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null) request["arguments"] = arguments;
        _writer.WriteLine(request.ToJsonString());
        while (true)
        {
            var message = ReadMessage();
            if (message["event"] is not null) continue;
            if (message["error"] is JsonNode error) return (null, error["desc"]?.GetValue<string>());
            return (message["return"], null);
        }
    }

    private JsonObject ReadMessage()
    {
        var line = _reader.ReadLine() ?? throw new XunitException("QMP connection closed");
        return JsonNode.Parse(line)?.AsObject() ?? throw new XunitException($"bad QMP line: {line}");
    }

    public void Dispose()
    {
        _socket.Dispose();
    }
}
