using OnlineLearning.Sensors;
using OnlineLearning.Sensors.Simulation;

namespace OnlineLearning.Sensors.Tests;

/// <summary>
/// An MPU-6050 at register level: WHO_AM_I, PWR_MGMT_1 (reset bit, sleep bit), SMPLRT_DIV, CONFIG, GYRO/ACCEL_CONFIG,
/// register 0x1D (read/write storage: the driver writes and reads it back), USER_CTRL (FIFO_EN 0x40, FIFO_RST 0x04),
/// FIFO_EN, FIFO_COUNT_H/L, FIFO_R_W, and the data registers 0x3B..0x48. Samples appear at
/// gyro rate / (1 + SMPLRT_DIV) of the injected clock; sample n is ax = n, ay = -n, az = 16384, temp = 100,
/// gx = 2n, gy = 3, gz = n mod 1000 (int16 wrap). The 1024-byte FIFO drops its oldest bytes when full, as the chip does.
/// </summary>
internal sealed class SimulatedMpu6050 : SimulatedI2cDevice
{
    private const int FifoSize = 1024;
    private readonly ISensorClock _clock;
    private readonly byte[] _registers = new byte[128];
    private readonly byte[] _fifo = new byte[FifoSize];
    private readonly List<(byte Register, byte Value)> _writes = [];
    private int _fifoHead;
    private int _fifoCount;
    private long _fifoStart;
    private long _fifoProduced;
    private long _dataStart;

    public SimulatedMpu6050(ISensorClock clock)
        : base(1, 0x68)
    {
        _clock = clock;
        PowerOnReset();
    }

    public byte WhoAmI { get; set; } = 0x68;

    /// <summary>The FIFO stops receiving samples (a wedged FIFO engine).</summary>
    public bool FifoStuck { get; set; }

    public bool RecordWrites { get; set; } = true;

    public IReadOnlyList<(byte Register, byte Value)> Writes => _writes;

    public int FifoCount => _fifoCount;

    public long Resets { get; private set; }

    public byte Register(byte register) => _registers[register];

    public int SampleRateHz
    {
        get
        {
            int dlpf = _registers[0x1A] & 7;
            int gyroRate = dlpf is 0 or 7 ? 8000 : 1000;
            return gyroRate / (1 + _registers[0x19]);
        }
    }

    public static short Sample(long n, int field) => field switch
    {
        0 => (short)n,
        1 => (short)-n,
        2 => 16384,
        3 => 100,
        4 => (short)(2 * n),
        5 => 3,
        _ => (short)(n % 1000),
    };

    protected override void WriteRegisters(byte pointer, ReadOnlySpan<byte> data)
    {
        Produce();
        for (int i = 0; i < data.Length; i++)
        {
            byte register = (byte)(pointer + i);
            byte value = data[i];
            if (RecordWrites)
            {
                _writes.Add((register, value));
            }

            switch (register)
            {
                case 0x6B when (value & 0x80) != 0:
                    Resets++;
                    PowerOnReset();
                    continue;
                case 0x6A:
                    if ((value & 0x04) != 0)
                    {
                        ClearFifo();
                    }

                    bool wasEnabled = (_registers[0x6A] & 0x40) != 0;
                    _registers[0x6A] = (byte)(value & ~0x04); // FIFO_RST clears itself
                    if (!wasEnabled && (value & 0x40) != 0)
                    {
                        ClearFifo();
                    }

                    continue;
                case 0x75 or 0x72 or 0x73:
                    continue; // read-only
                case 0x74:
                    continue; // writing the FIFO is not modelled
                default:
                    _registers[register] = value;
                    break;
            }

            if (register is 0x19 or 0x1A)
            {
                _dataStart = _clock.Now;
            }
        }
    }

    protected override void ReadRegisters(byte pointer, Span<byte> buffer)
    {
        Produce();
        if (pointer == 0x74)
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = PopFifo();
            }

            return;
        }

        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ReadOne((byte)(pointer + i));
        }
    }

    protected override void PowerOnReset()
    {
        Array.Clear(_registers);
        _registers[0x6B] = 0x40; // asleep after reset
        ClearFifo();
        _dataStart = _clock.Now;
    }

    /// <summary>Adds samples due since the last transfer to the FIFO.</summary>
    private void Produce()
    {
        bool running = (_registers[0x6B] & 0x40) == 0;
        bool enabled = (_registers[0x6A] & 0x40) != 0 && _registers[0x23] != 0;
        if (!running || !enabled)
        {
            _fifoStart = _clock.Now;
            _fifoProduced = 0;
            return;
        }

        long due = (_clock.Now - _fifoStart) * SampleRateHz / _clock.TicksPerSecond;
        if (FifoStuck)
        {
            _fifoProduced = due;
            return;
        }

        for (; _fifoProduced < due; _fifoProduced++)
        {
            long n = _fifoProduced;
            byte select = _registers[0x23];
            if ((select & 0x08) != 0)
            {
                PushShort(Sample(n, 0));
                PushShort(Sample(n, 1));
                PushShort(Sample(n, 2));
            }

            if ((select & 0x80) != 0)
            {
                PushShort(Sample(n, 3));
            }

            if ((select & 0x40) != 0)
            {
                PushShort(Sample(n, 4));
            }

            if ((select & 0x20) != 0)
            {
                PushShort(Sample(n, 5));
            }

            if ((select & 0x10) != 0)
            {
                PushShort(Sample(n, 6));
            }
        }
    }

    private byte ReadOne(byte register)
    {
        if (register == 0x75)
        {
            return WhoAmI;
        }

        if (register == 0x72)
        {
            return (byte)(_fifoCount >> 8);
        }

        if (register == 0x73)
        {
            return (byte)_fifoCount;
        }

        if (register is >= 0x3B and <= 0x48)
        {
            long n = (_clock.Now - _dataStart) * SampleRateHz / _clock.TicksPerSecond;
            int offset = register - 0x3B;
            short value = Sample(n, offset / 2);
            return (offset & 1) == 0 ? (byte)(value >> 8) : (byte)value;
        }

        return register < _registers.Length ? _registers[register] : (byte)0;
    }

    private void PushShort(short value)
    {
        Push((byte)(value >> 8));
        Push((byte)value);
    }

    private void Push(byte value)
    {
        if (_fifoCount == FifoSize)
        {
            _fifoHead = (_fifoHead + 1) % FifoSize; // full: the oldest byte is lost
            _fifoCount--;
            _registers[0x3A] |= 0x10; // FIFO_OFLOW_INT
        }

        _fifo[(_fifoHead + _fifoCount) % FifoSize] = value;
        _fifoCount++;
    }

    private byte PopFifo()
    {
        if (_fifoCount == 0)
        {
            return 0xFF;
        }

        byte value = _fifo[_fifoHead];
        _fifoHead = (_fifoHead + 1) % FifoSize;
        _fifoCount--;
        return value;
    }

    private void ClearFifo()
    {
        _fifoHead = 0;
        _fifoCount = 0;
        _fifoStart = _clock.Now;
        _fifoProduced = 0;
    }
}
