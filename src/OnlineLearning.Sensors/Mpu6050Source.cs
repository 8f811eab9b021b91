using System.Buffers.Binary;
using System.Device.I2c;
using Iot.Device.Imu;
using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors;

/// <summary>How an <see cref="Mpu6050Source"/> gets its samples.</summary>
public enum Mpu6050ReadMode
{
    /// <summary>The chip's FIFO paces the data: no sample is read twice or missed while the FIFO has room.</summary>
    Fifo,

    /// <summary>One 14-byte burst from ACCEL_XOUT_H (0x3B) per frame, paced by the clock.</summary>
    Burst,
}

/// <summary>Settings of an <see cref="Mpu6050Source"/>.</summary>
public sealed record Mpu6050Options
{
    public Mpu6050ReadMode Mode { get; init; } = Mpu6050ReadMode.Fifo;

    /// <summary>Digital low-pass filter. 250 Hz (DLPF_CFG 0) and 3600 Hz run the gyro at 8 kHz, the rest at 1 kHz.</summary>
    public GyroscopeBandwidth Bandwidth { get; init; } = GyroscopeBandwidth.Bandwidth0041Hz;

    public GyroscopeRange GyroscopeRange { get; init; } = GyroscopeRange.Range0250Dps;

    public AccelerometerRange AccelerometerRange { get; init; } = AccelerometerRange.Range02G;

    /// <summary>Sample rate = gyro output rate / (1 + divider); it must come out as whole hertz.</summary>
    public byte SampleRateDivider { get; init; } = 9;

    /// <summary>FIFO mode: this many frame periods without new data is a stuck FIFO (re-initialise).</summary>
    public int StallPeriods { get; init; } = 16;

    /// <summary>Burst mode: this many identical consecutive bursts count as stuck registers; 0 disables the check.</summary>
    public int StuckLimit { get; init; }
}

/// <summary>
/// MPU-6050 accelerometer and gyroscope as 6 channels (ax, ay, az, gx, gy, gz), raw int16 counts declared Q15
/// (a fraction of the configured full-scale range). It uses <see cref="Mpu6050"/> for set-up and FIFO reads and
/// never its scaled readings.
/// </summary>
/// <remarks>
/// Quirks of the Iot.Device.Bindings 4.2.0 driver this class works around:
/// <list type="bullet">
/// <item>Its constructor resets the chip, checks WHO_AM_I, and writes then reads back register 0x1D (ACCEL_CONFIG_2,
/// an MPU-6500 register); it sleeps about 200 ms, so re-initialising is kept for real faults.</item>
/// <item>The <c>FifoModes</c> setter sets FIFO_RST (0x04) in USER_CTRL (0x6A) rather than FIFO_EN (0x40), so the
/// FIFO never fills; this class writes the enable bit itself.</item>
/// <item><c>AccelerationScale</c> divides by (1 + sample-rate divider), so scaled readings are wrong whenever the divider
/// is not 0; this class reads raw counts only.</item>
/// <item>The <c>GyroscopeBandwidth</c> setter writes the range enum unshifted into GYRO_CONFIG and reads it back as a
/// bandwidth, so it fails unless the range is ±250 dps (0); the bandwidth is therefore set before the range.</item>
/// </list>
/// </remarks>
public sealed class Mpu6050Source : SensorSource
{
    public const byte WhoAmIValue = 0x68;
    private const byte RegWhoAmI = 0x75;
    private const byte RegUserCtrl = 0x6A;
    private const byte RegPowerManagement1 = 0x6B;
    private const byte RegFifoEnable = 0x23;
    private const byte RegAccelXHigh = 0x3B;
    private const byte UserCtrlFifoEnable = 0x40;
    private const byte UserCtrlFifoReset = 0x04;
    private const int FifoBytes = 1024;
    private const int PacketBytes = 12; // accel x, y, z then gyro x, y, z, big-endian (FIFO order is register order)
    private const FifoModes FifoSelection = FifoModes.Accelerometer | FifoModes.GyroscopeX | FifoModes.GyroscopeY | FifoModes.GyroscopeZ;

    private readonly I2cDevice _device;
    private readonly Mpu6050Options _options;
    private readonly FramePacer _pacer;
    private readonly byte[] _packet = new byte[PacketBytes];
    private readonly byte[] _burst = new byte[14];
    private readonly byte[] _previousBurst = new byte[14];
    private readonly long _periodTicks;
    private Mpu6050 _imu;
    private long _lastFrameTime;
    private int _sameCount;

    /// <exception cref="SensorConfigException">Bad options, no chip, or a chip that is not an MPU-6050.</exception>
    public Mpu6050Source(I2cDevice device, Mpu6050Options options, ISensorClock? clock = null, RetryPolicy? retry = null)
        : base(clock ?? SystemSensorClock.Instance, retry ?? RetryPolicy.Default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(options);
        _device = device;
        _options = options;
        if (options.Bandwidth is GyroscopeBandwidth.Bandwidth3600HzFS32 or GyroscopeBandwidth.Bandwidth8800HzFS32)
        {
            throw new SensorConfigException($"MPU-6050 bandwidth {options.Bandwidth} is an MPU-6500 FCHOICE mode.");
        }

        int gyroRate = options.Bandwidth is GyroscopeBandwidth.Bandwidth0250Hz or GyroscopeBandwidth.Bandwidth3600Hz ? 8000 : 1000;
        if (gyroRate % (1 + options.SampleRateDivider) != 0)
        {
            throw new SensorConfigException(
                $"MPU-6050 sample rate {gyroRate} / (1 + {options.SampleRateDivider}) is not a whole number of hertz.");
        }

        if (options.StallPeriods < 1 || options.StuckLimit < 0)
        {
            throw new SensorConfigException("MPU-6050 stall periods must be at least 1 and the stuck limit 0 (off) or more.");
        }

        SampleRateHz = gyroRate / (1 + options.SampleRateDivider);
        try
        {
            _imu = Open();
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            throw new SensorConfigException($"MPU-6050 at {Address}: {ex.Message}", ex);
        }

        _pacer = new FramePacer(Clock, SampleRateHz);
        _periodTicks = _pacer.PeriodTicks;
        _lastFrameTime = Clock.Now;
    }

    public override int Channels => 6;

    public override int SampleRateHz { get; }

    public override QFormat FrameFormat => QFormat.Q15;

    public override string Describe() =>
        $"mpu6050 {Address} {_options.Mode}: 6 channels (ax ay az gx gy gz) at {SampleRateHz} Hz, {FrameFormat} of " +
        $"{_options.AccelerometerRange} / {_options.GyroscopeRange}, bandwidth {_options.Bandwidth}";

    protected override SensorReadResult ReadFrame(Span<short> frame)
    {
        if (_options.Mode == Mpu6050ReadMode.Burst)
        {
            ReadBurst(frame);
        }
        else
        {
            ReadFifoPacket(frame);
        }

        _lastFrameTime = Clock.Now;
        return SensorReadResult.Ok;
    }

    protected override void Recover()
    {
        CheckWhoAmI();
        // The chip kept sampling while we were away: estimate what it produced from the clock. In FIFO mode the
        // content is dropped too (a failed or short read leaves it misaligned), so none of those frames arrive.
        long missed = (Clock.Now - _lastFrameTime) / _periodTicks;
        Health.FramesLost += Math.Max(0, missed - 1);

        if (ReadRegister(RegPowerManagement1) == 0x01 && ReadRegister(RegFifoEnable) == (byte)(_options.Mode == Mpu6050ReadMode.Fifo ? FifoSelection : 0))
        {
            // Still configured (a bus glitch, not a power cycle): restarting the FIFO is enough.
            if (_options.Mode == Mpu6050ReadMode.Fifo)
            {
                ResetFifo();
            }
        }
        else
        {
            _imu = Open();
        }

        _pacer.Restart();
        _lastFrameTime = Clock.Now;
    }

    private void ReadFifoPacket(Span<short> frame)
    {
        for (int waited = 0; ; waited++)
        {
            uint count = _imu.FifoCount;
            if (count >= FifoBytes || count % PacketBytes != 0)
            {
                // Full: the chip has been dropping samples; misaligned: a packet boundary was lost. Either way the
                // content cannot be trusted, so count what is discarded and restart the FIFO.
                Health.FramesLost += count / PacketBytes;
                ReportFault(count >= FifoBytes
                    ? $"MPU-6050 FIFO overflow ({count} bytes); discarded {count / PacketBytes} frames"
                    : $"MPU-6050 FIFO misaligned ({count} bytes is not a whole number of {PacketBytes}-byte frames)");
                ResetFifo();
                count = 0;
            }

            if (count >= PacketBytes)
            {
                _imu.ReadFifo(_packet);
                Decode(_packet, frame);
                return;
            }

            if (waited >= 2 * _options.StallPeriods)
            {
                throw new SensorFaultException(
                    $"MPU-6050 FIFO stuck: no data for {_options.StallPeriods} frame periods");
            }

            Clock.Sleep((_periodTicks + 1) / 2);
        }
    }

    private void ReadBurst(Span<short> frame)
    {
        Health.FramesLost += _pacer.WaitNext(dropLate: true);
        // ACCEL_XOUT_H..GYRO_ZOUT_L in one transfer on the same I2cDevice: the registers are latched together, so
        // the six values belong to one sample.
        _device.WriteByte(RegAccelXHigh);
        _device.Read(_burst);
        if (_options.StuckLimit > 0)
        {
            bool same = _burst.AsSpan().SequenceEqual(_previousBurst);
            _burst.AsSpan().CopyTo(_previousBurst);
            _sameCount = same ? _sameCount + 1 : 0;
            if (_sameCount >= _options.StuckLimit)
            {
                _sameCount = 0;
                throw new SensorFaultException($"MPU-6050 stuck: {_options.StuckLimit + 1} identical bursts");
            }
        }

        // Skip the temperature at bytes 6..7.
        frame[0] = BinaryPrimitives.ReadInt16BigEndian(_burst.AsSpan(0));
        frame[1] = BinaryPrimitives.ReadInt16BigEndian(_burst.AsSpan(2));
        frame[2] = BinaryPrimitives.ReadInt16BigEndian(_burst.AsSpan(4));
        frame[3] = BinaryPrimitives.ReadInt16BigEndian(_burst.AsSpan(8));
        frame[4] = BinaryPrimitives.ReadInt16BigEndian(_burst.AsSpan(10));
        frame[5] = BinaryPrimitives.ReadInt16BigEndian(_burst.AsSpan(12));
    }

    private static void Decode(ReadOnlySpan<byte> packet, Span<short> frame)
    {
        for (int i = 0; i < 6; i++)
        {
            frame[i] = BinaryPrimitives.ReadInt16BigEndian(packet[(2 * i)..]);
        }
    }

    private Mpu6050 Open()
    {
        CheckWhoAmI();
        var imu = new Mpu6050(_device);
        // Bandwidth first, while the driver's constructor has left the range at ±250 dps (see the class remarks).
        imu.GyroscopeBandwidth = _options.Bandwidth;
        imu.GyroscopeRange = _options.GyroscopeRange;
        imu.AccelerometerRange = _options.AccelerometerRange;
        imu.SampleRateDivider = _options.SampleRateDivider;
        if (_options.Mode == Mpu6050ReadMode.Fifo)
        {
            imu.FifoModes = FifoSelection; // selects the data; only resets the FIFO (see remarks)
            ResetFifo();
        }

        return imu;
    }

    // Enable and reset in one write: the reset bit clears itself, the enable bit stays.
    private void ResetFifo()
    {
        byte userCtrl = ReadRegister(RegUserCtrl);
        WriteRegister(RegUserCtrl, (byte)(userCtrl | UserCtrlFifoEnable | UserCtrlFifoReset));
    }

    private void CheckWhoAmI()
    {
        byte id = ReadRegister(RegWhoAmI);
        if (id != WhoAmIValue)
        {
            throw new SensorFaultException($"WHO_AM_I (0x75) is 0x{id:x2}, an MPU-6050 answers 0x{WhoAmIValue:x2}");
        }
    }

    private byte ReadRegister(byte register)
    {
        _device.WriteByte(register);
        return _device.ReadByte();
    }

    private void WriteRegister(byte register, byte value)
    {
        Span<byte> write = [register, value];
        _device.Write(write);
    }

    private string Address =>
        $"i2c-{_device.ConnectionSettings.BusId}@0x{_device.ConnectionSettings.DeviceAddress:x2}";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _imu.Dispose();
        }

        base.Dispose(disposing);
    }
}
