using System.Device.I2c;
using Iot.Device.Ads1115;
using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors;

/// <summary>Settings of an <see cref="Ads1115Source"/>.</summary>
public sealed record Ads1115Options
{
    public InputMultiplexer Input { get; init; } = InputMultiplexer.AIN0;

    public MeasuringRange Range { get; init; } = MeasuringRange.FS4096;

    public DataRate DataRate { get; init; } = DataRate.SPS860;

    /// <summary>Frames per second to deliver; 0 means the data rate. It may not exceed the data rate.</summary>
    public int SampleRateHz { get; init; }

    /// <summary>
    /// This many identical consecutive readings count as a stuck converter (a chip that lost its configuration
    /// keeps returning its last conversion); 0 disables the check.
    /// </summary>
    public int StuckLimit { get; init; }
}

/// <summary>
/// One ADS1115 input through <see cref="Ads1115.ReadRaw()"/> only: a short in, nothing allocated, no UnitsNet
/// (ReadVoltage and friends would put floats on the read path and UnitsNet into the binary).
/// </summary>
/// <remarks>
/// In continuous mode the chip overwrites its conversion register at the data rate and a read returns whatever is
/// there, so reading faster than the data rate repeats samples. Reads are therefore paced to
/// <see cref="SampleRateHz"/>, which may not exceed the data rate. The frame is the raw conversion code:
/// Q15 as a fraction of the measuring range's full scale.
/// </remarks>
public sealed class Ads1115Source : SensorSource
{
    private readonly I2cDevice _device;
    private readonly Ads1115Options _options;
    private readonly FramePacer _pacer;
    private Ads1115 _adc;
    private short _last;
    private int _sameCount;

    /// <exception cref="SensorConfigException">The options are invalid or the chip does not answer.</exception>
    public Ads1115Source(I2cDevice device, Ads1115Options options, ISensorClock? clock = null, RetryPolicy? retry = null)
        : base(clock ?? SystemSensorClock.Instance, retry ?? RetryPolicy.Default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        _device = device;
        _options = options;
        int dataRate = DataRateHz(options.DataRate);
        SampleRateHz = options.SampleRateHz == 0 ? dataRate : options.SampleRateHz;
        if (SampleRateHz < 1 || SampleRateHz > dataRate)
        {
            throw new SensorConfigException(
                $"ADS1115 sample rate {SampleRateHz} Hz must be between 1 Hz and the data rate ({dataRate} SPS); faster reads only repeat samples.");
        }

        if (options.StuckLimit < 0)
        {
            throw new SensorConfigException($"ADS1115 stuck limit must be 0 (off) or positive, not {options.StuckLimit}.");
        }

        try
        {
            _adc = Open();
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            throw new SensorConfigException($"No ADS1115 answers at {Address(device)}: {ex.Message}", ex);
        }

        _pacer = new FramePacer(Clock, SampleRateHz);
    }

    public override int Channels => 1;

    public override int SampleRateHz { get; }

    public override QFormat FrameFormat => QFormat.Q15;

    /// <summary>The ADS1115 data rate in samples per second (integers; the driver's own lookup returns a double).</summary>
    public static int DataRateHz(DataRate rate) => rate switch
    {
        DataRate.SPS008 => 8,
        DataRate.SPS016 => 16,
        DataRate.SPS032 => 32,
        DataRate.SPS064 => 64,
        DataRate.SPS128 => 128,
        DataRate.SPS250 => 250,
        DataRate.SPS475 => 475,
        DataRate.SPS860 => 860,
        _ => throw new SensorConfigException($"Unknown ADS1115 data rate {rate}."),
    };

    public override string Describe() =>
        $"ads1115 {Address(_device)} {_options.Input} range {_options.Range} at {DataRateHz(_options.DataRate)} SPS, " +
        $"1 channel at {SampleRateHz} Hz, {FrameFormat} of full scale";

    protected override SensorReadResult ReadFrame(Span<short> frame)
    {
        Health.FramesLost += _pacer.WaitNext(dropLate: true);
        short value = _adc.ReadRaw();
        if (_options.StuckLimit > 0)
        {
            _sameCount = value == _last ? _sameCount + 1 : 0;
            _last = value;
            if (_sameCount >= _options.StuckLimit)
            {
                _sameCount = 0;
                throw new SensorFaultException($"ADS1115 stuck: {_options.StuckLimit + 1} identical readings ({value})");
            }
        }

        frame[0] = value;
        return SensorReadResult.Ok;
    }

    /// <summary>
    /// Re-creates the driver, which rewrites the config register: a chip that was power-cycled wakes in single-shot
    /// power-down mode and would otherwise return its last conversion for ever.
    /// </summary>
    protected override void Recover()
    {
        // The old driver object is dropped, not disposed: disposing it would dispose the shared I2cDevice.
        _adc = Open();
        Health.FramesLost += _pacer.Resync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _adc.Dispose();
        }

        base.Dispose(disposing);
    }

    private Ads1115 Open() =>
        new(_device, _options.Input, _options.Range, _options.DataRate, DeviceMode.Continuous);

    private static string Address(I2cDevice device) =>
        $"i2c-{device.ConnectionSettings.BusId}@0x{device.ConnectionSettings.DeviceAddress:x2}";
}
