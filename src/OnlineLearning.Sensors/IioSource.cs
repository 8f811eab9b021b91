using System.Globalization;
using Microsoft.Win32.SafeHandles;
using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors;

/// <summary>Settings of an <see cref="IioSource"/>.</summary>
public sealed record IioOptions
{
    /// <summary>The sysfs directory holding the devices; tests point it at a fake tree.</summary>
    public string Root { get; init; } = "/sys/bus/iio/devices";

    public string Device { get; init; } = "iio:device0";

    /// <summary>Channel names without the suffix, e.g. "in_voltage0" or "in_accel_x" (read from NAME_raw).</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Frames per second; 0 reads the device's sampling_frequency attribute.</summary>
    public int SampleRateHz { get; init; }
}

/// <summary>
/// Linux IIO through sysfs: one <c>in_*_raw</c> file per channel, read with handles opened once and
/// <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/> at offset 0 into a preallocated buffer (sysfs
/// regenerates the value on every read from offset 0), parsed as an integer without allocating. Values are raw
/// counts (Q15.0, int16); larger values saturate and are counted. Scales are read once for
/// <see cref="Describe"/>.
/// </summary>
public sealed class IioSource : SensorSource
{
    private readonly IioOptions _options;
    private readonly string _deviceDirectory;
    private readonly string[] _paths;
    private readonly SafeFileHandle?[] _handles;
    private readonly string[] _scales;
    private readonly byte[] _buffer = new byte[32];
    private readonly FramePacer _pacer;

    /// <exception cref="SensorConfigException">Missing device or channel, or no usable sample rate.</exception>
    public IioSource(IioOptions options, ISensorClock? clock = null, RetryPolicy? retry = null)
        : base(clock ?? SystemSensorClock.Instance, retry ?? RetryPolicy.Default)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _deviceDirectory = Path.Combine(options.Root, options.Device);
        if (!Directory.Exists(_deviceDirectory))
        {
            throw new SensorConfigException($"IIO device {_deviceDirectory} does not exist.");
        }

        if (options.Channels.Count == 0)
        {
            throw new SensorConfigException($"IIO device {_deviceDirectory}: no channels configured.");
        }

        _paths = options.Channels.Select(c => Path.Combine(_deviceDirectory, c + "_raw")).ToArray();
        _scales = options.Channels.Select(ReadScale).ToArray();
        SampleRateHz = options.SampleRateHz != 0 ? options.SampleRateHz : ReadSamplingFrequency();
        if (SampleRateHz < 1)
        {
            throw new SensorConfigException($"IIO device {_deviceDirectory}: sample rate {SampleRateHz} Hz is not valid.");
        }

        _handles = new SafeFileHandle?[_paths.Length];
        try
        {
            OpenHandles();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CloseHandles();
            throw new SensorConfigException($"IIO device {_deviceDirectory}: {ex.Message}", ex);
        }

        _pacer = new FramePacer(Clock, SampleRateHz);
    }

    public override int Channels => _paths.Length;

    public override int SampleRateHz { get; }

    public override QFormat FrameFormat => new(QStorage.Int16, 0);

    public override string Describe() =>
        $"iio {_deviceDirectory}: {string.Join(' ', _options.Channels.Select((c, i) => $"{c} (scale {_scales[i]})"))} at {SampleRateHz} Hz, raw counts {FrameFormat}";

    protected override SensorReadResult ReadFrame(Span<short> frame)
    {
        Health.FramesLost += _pacer.WaitNext(dropLate: true);
        for (int c = 0; c < _handles.Length; c++)
        {
            int length = RandomAccess.Read(_handles[c]!, _buffer, 0);
            if (!TryParseInteger(_buffer.AsSpan(0, length), out long value))
            {
                throw new SensorFaultException($"{_paths[c]}: '{System.Text.Encoding.ASCII.GetString(_buffer, 0, length).Trim()}' is not an integer");
            }

            if (value is < short.MinValue or > short.MaxValue)
            {
                Health.Saturations++;
            }

            frame[c] = QMath.SaturateToInt16(value);
        }

        return SensorReadResult.Ok;
    }

    /// <summary>A device that went away (driver unbound, USB unplugged) gets new handles when it is back.</summary>
    protected override void Recover()
    {
        CloseHandles();
        OpenHandles();
        Health.FramesLost += _pacer.Resync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseHandles();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Parses optional spaces, an optional sign and decimal digits, up to a newline or space. No allocation.
    /// </summary>
    internal static bool TryParseInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        int i = 0;
        while (i < text.Length && text[i] == (byte)' ')
        {
            i++;
        }

        bool negative = false;
        if (i < text.Length && (text[i] == (byte)'-' || text[i] == (byte)'+'))
        {
            negative = text[i] == (byte)'-';
            i++;
        }

        int digits = 0;
        for (; i < text.Length; i++)
        {
            int d = text[i] - '0';
            if (d is < 0 or > 9)
            {
                break;
            }

            if (++digits > 18)
            {
                return false; // beyond any sensor's range; also keeps the accumulation from overflowing
            }

            value = (value * 10) + d;
        }

        if (digits == 0 || (i < text.Length && text[i] is not ((byte)'\n' or (byte)' ' or (byte)'\r' or 0)))
        {
            return false;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private void OpenHandles()
    {
        for (int c = 0; c < _paths.Length; c++)
        {
            _handles[c] = File.OpenHandle(_paths[c], FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
    }

    private void CloseHandles()
    {
        for (int c = 0; c < _handles.Length; c++)
        {
            _handles[c]?.Dispose();
            _handles[c] = null;
        }
    }

    // in_accel_x_scale, else the shared in_accel_scale; "1" when the device has neither.
    private string ReadScale(string channel)
    {
        string own = Path.Combine(_deviceDirectory, channel + "_scale");
        if (File.Exists(own))
        {
            return File.ReadAllText(own).Trim();
        }

        int last = channel.LastIndexOf('_');
        string shared = last > 0 ? Path.Combine(_deviceDirectory, channel[..last] + "_scale") : own;
        return File.Exists(shared) ? File.ReadAllText(shared).Trim() : "1";
    }

    private int ReadSamplingFrequency()
    {
        string path = Path.Combine(_deviceDirectory, "sampling_frequency");
        if (!File.Exists(path))
        {
            int last = _options.Channels[0].LastIndexOf('_');
            path = Path.Combine(_deviceDirectory, (last > 0 ? _options.Channels[0][..last] : _options.Channels[0]) + "_sampling_frequency");
        }

        if (!File.Exists(path))
        {
            throw new SensorConfigException($"IIO device {_deviceDirectory}: no sampling_frequency attribute; set the sample rate in the config.");
        }

        string text = File.ReadAllText(path).Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double hz) || !double.IsFinite(hz))
        {
            throw new SensorConfigException($"{path}: '{text}' is not a frequency.");
        }

        return (int)Math.Round(hz);
    }
}
