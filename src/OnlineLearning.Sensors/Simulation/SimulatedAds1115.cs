using System.Buffers.Binary;

namespace OnlineLearning.Sensors.Simulation;

/// <summary>
/// An ADS1115 at register level, fed by a sample sequence: conversion k of the selected input is
/// <c>samples[k]</c>, one per conversion period. It models what the driver relies on:
/// <list type="bullet">
/// <item>config register 0x01 (reset value 0x8583; OS bit reads 0 while a single-shot conversion runs),</item>
/// <item>conversion register 0x00: in continuous mode (MODE bit 8 clear) a new result every 1 / data rate of the
/// injected clock, so reading faster than the data rate returns the same sample again, as the real chip does,</item>
/// <item>threshold registers 0x02/0x03, and a power-on reset when the device comes back after disappearing
/// (single-shot mode again, so the conversion register goes stale until someone rewrites the config).</item>
/// </list>
/// The conversion rate is the data rate in the config register, unless <c>conversionRateHz</c> overrides it
/// (a recording made at 360 Hz is fed at 360 Hz whatever the DR bits say).
/// </summary>
public sealed class SimulatedAds1115 : SimulatedI2cDevice
{
    public const int DefaultAddress = 0x48;
    private const ushort ResetConfig = 0x8583;
    private static readonly int[] DataRates = [8, 16, 32, 64, 128, 250, 475, 860];

    private readonly ISensorClock _clock;
    private readonly short[] _samples;
    private readonly bool _loop;
    private readonly int _rateOverride;
    private readonly long _created;
    private ushort _config;
    private short _conversion;
    private ushort _loThreshold;
    private ushort _hiThreshold;
    private long _continuousStart;
    private long _lastIndexRead = -1;
    private int _busyPolls;

    public SimulatedAds1115(ISensorClock clock, ReadOnlySpan<short> samples, bool loop = true, int conversionRateHz = 0,
        int busId = 1, int address = DefaultAddress)
        : base(busId, address)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (samples.IsEmpty)
        {
            throw new ArgumentException("The simulated ADS1115 needs at least one sample.", nameof(samples));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(conversionRateHz);
        _clock = clock;
        _samples = samples.ToArray();
        _loop = loop;
        _rateOverride = conversionRateHz;
        _created = clock.Now;
        PowerOnReset();
    }

    /// <summary>A chip whose input is channel <paramref name="channel"/> of a recording, converted at its sample rate.</summary>
    public static SimulatedAds1115 FromRecording(Recording recording, ISensorClock clock, bool loop = true, int channel = 0)
    {
        ArgumentNullException.ThrowIfNull(recording);
        return new SimulatedAds1115(clock, recording.ChannelSamples(channel), loop, recording.SampleRateHz);
    }

    /// <summary>Single-shot conversions report busy (OS = 0) for this many config reads before completing.</summary>
    public int BusyPollsPerConversion { get; set; } = 1;

    /// <summary>When set, every conversion returns this value (a stuck converter).</summary>
    public short? StuckValue { get; set; }

    /// <summary>The config register as last written (OS bit as written).</summary>
    public ushort Config => _config;

    public bool ContinuousMode => (_config & 0x0100) == 0;

    /// <summary>Conversion-register reads that returned the same conversion as the read before.</summary>
    public long RepeatedReads { get; private set; }

    public long ConversionReads { get; private set; }

    /// <summary>True once a non-looping sequence has run past its last sample (the input then holds it).</summary>
    public bool Exhausted { get; private set; }

    public int ConversionRateHz => _rateOverride != 0 ? _rateOverride : DataRates[(_config >> 5) & 7];

    protected override void WriteRegisters(byte pointer, ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
        {
            throw new IOException($"Simulated ADS1115: a register write needs 2 data bytes, got {data.Length}.");
        }

        ushort value = BinaryPrimitives.ReadUInt16BigEndian(data);
        switch (pointer & 3)
        {
            case 0:
                break; // the conversion register is read-only
            case 1:
                WriteConfig(value);
                break;
            case 2:
                _loThreshold = value;
                break;
            default:
                _hiThreshold = value;
                break;
        }
    }

    protected override void ReadRegisters(byte pointer, Span<byte> buffer)
    {
        ushort value = (pointer & 3) switch
        {
            0 => (ushort)ReadConversion(),
            1 => ReadConfig(),
            2 => _loThreshold,
            _ => _hiThreshold,
        };

        // The chip repeats the 16-bit register for longer reads.
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)((i & 1) == 0 ? value >> 8 : value);
        }
    }

    protected override void PowerOnReset()
    {
        _config = ResetConfig;
        _conversion = 0;
        _loThreshold = 0x8000;
        _hiThreshold = 0x7FFF;
        _busyPolls = 0;
        _lastIndexRead = -1;
    }

    private void WriteConfig(ushort value)
    {
        _config = (ushort)(value & 0x7FFF);
        if (ContinuousMode)
        {
            _continuousStart = _clock.Now;
            _lastIndexRead = -1;
        }
        else if ((value & 0x8000) != 0)
        {
            _busyPolls = BusyPollsPerConversion;
            if (_busyPolls == 0)
            {
                _conversion = InputAt(_clock.Now);
            }
        }
    }

    private ushort ReadConfig()
    {
        if (ContinuousMode)
        {
            return _config; // always converting: OS reads 0
        }

        if (_busyPolls > 0)
        {
            if (--_busyPolls == 0)
            {
                _conversion = InputAt(_clock.Now);
            }

            return _config;
        }

        return (ushort)(_config | 0x8000);
    }

    private short ReadConversion()
    {
        ConversionReads++;
        if (!ContinuousMode)
        {
            return _conversion;
        }

        // Conversion k runs over [start + k/R, start + (k+1)/R) and samples the input at its start.
        long completed = TicksToConversions(_clock.Now - _continuousStart);
        if (completed == 0)
        {
            return _conversion; // the first continuous conversion is still running
        }

        long k = completed - 1;
        if (k == _lastIndexRead)
        {
            RepeatedReads++;
        }

        _lastIndexRead = k;
        _conversion = InputAt(_continuousStart + ConversionsToTicks(k));
        return _conversion;
    }

    // The input at a time: one sample per conversion period since the chip was created.
    private short InputAt(long time)
    {
        if (StuckValue is short stuck)
        {
            return stuck;
        }

        long index = TicksToConversions(time - _created);
        if (index >= _samples.Length)
        {
            if (!_loop)
            {
                Exhausted = true;
                return _samples[^1];
            }

            index %= _samples.Length;
        }

        return _samples[index];
    }

    private long TicksToConversions(long ticks)
    {
        long tps = _clock.TicksPerSecond;
        long rate = ConversionRateHz;
        return (ticks / tps * rate) + (ticks % tps * rate / tps);
    }

    // The first tick at which conversion k has begun: ceil(k * tps / rate), the inverse of the floor above.
    private long ConversionsToTicks(long k)
    {
        long tps = _clock.TicksPerSecond;
        long rate = ConversionRateHz;
        return (k / rate * tps) + ((k % rate * tps) + rate - 1) / rate;
    }
}
