using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OnlineLearning.Cli.Runs;

/// <summary>
/// The sd_notify protocol without libsystemd: datagrams such as "READY=1" and "WATCHDOG=1" to the unix socket named
/// by NOTIFY_SOCKET (a path, or an abstract name written with a leading '@'). With no NOTIFY_SOCKET it does nothing.
/// Failures are ignored: notification must never stop the loop.
/// </summary>
internal sealed class SystemdNotify : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private readonly long _watchdogTicks;
    private long _lastWatchdog;

    public SystemdNotify(string? socketName, string? watchdogUsec)
    {
        if (string.IsNullOrEmpty(socketName) || (socketName[0] != '/' && socketName[0] != '@'))
        {
            return;
        }

        try
        {
            // An abstract socket: systemd writes '@' for the leading NUL byte of the address.
            _endPoint = new UnixDomainSocketEndPoint(socketName[0] == '@' ? "\0" + socketName[1..] : socketName);
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        }
        catch (Exception e) when (e is SocketException or ArgumentException or PlatformNotSupportedException)
        {
            _socket = null;
            return;
        }

        if (long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0)
        {
            // Ping at half the watchdog interval, as sd_watchdog_enabled(3) recommends.
            _watchdogTicks = usec * System.Diagnostics.Stopwatch.Frequency / 2_000_000;
        }
    }

    public static SystemdNotify FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), Environment.GetEnvironmentVariable("WATCHDOG_USEC"));

    public bool Enabled => _socket is not null;

    public bool WatchdogEnabled => _socket is not null && _watchdogTicks > 0;

    /// <summary>Sends one notification ("READY=1", "STOPPING=1", "STATUS=..."); returns whether it went out.</summary>
    public bool Send(string message)
    {
        if (_socket is null || _endPoint is null)
        {
            return false;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _endPoint);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Sends WATCHDOG=1 when half the watchdog interval has passed since the last one.</summary>
    public void Watchdog(long now)
    {
        if (WatchdogEnabled && now - _lastWatchdog >= _watchdogTicks)
        {
            _lastWatchdog = now;
            Send("WATCHDOG=1");
        }
    }

    public void Dispose() => _socket?.Dispose();
}
