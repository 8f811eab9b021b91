using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors.Encoding;

/// <summary>
/// Delta or level-crossing spike encoding. <paramref name="Threshold"/> is in raw frame counts.
/// <paramref name="SpikeValue"/> is the raw value of a spike in <paramref name="OutputFormat"/>; 0 means 1.0.
/// </summary>
public sealed record SpikeEncoderConfig(int Channels, int Threshold, QFormat OutputFormat, short SpikeValue = 0);

/// <summary>
/// Delta modulation: channel c emits an ON spike (output 2c) when the signal has risen by at least the threshold
/// since the last spike, an OFF spike (output 2c + 1) when it has fallen by as much; the reference then jumps to the
/// current value. The first frame only sets the references.
/// </summary>
public sealed class DeltaEncoder : OnOffSpikeEncoder
{
    public DeltaEncoder(SpikeEncoderConfig config)
        : base(config, "Delta encoder", "threshold")
    {
    }

    public override void Encode(ReadOnlySpan<short> frame, Span<short> output)
    {
        EncoderChecks.CheckSpans(this, frame, output);
        for (int c = 0; c < frame.Length; c++)
        {
            int x = frame[c];
            int delta = x - Reference[c];
            bool on = Primed && delta >= Threshold;
            bool off = Primed && delta <= -Threshold;
            if (on || off || !Primed)
            {
                Reference[c] = x;
            }

            Emit(output, c, on, off);
        }

        Primed = true;
    }
}

/// <summary>
/// Level crossing: the range is cut into levels <c>Threshold</c> counts apart, and channel c spikes ON (output 2c)
/// or OFF (2c + 1) when the signal crosses into a higher or lower level. Unlike delta modulation the reference
/// stays on the level grid, so slow drifts still spike once per level. Several levels crossed in one frame give one
/// spike; the extra crossings are counted in <see cref="MissedCrossings"/>.
/// </summary>
public sealed class LevelCrossingEncoder : OnOffSpikeEncoder
{
    public LevelCrossingEncoder(SpikeEncoderConfig config)
        : base(config, "Level-crossing encoder", "level spacing")
    {
    }

    /// <summary>Level crossings beyond the first in a single frame.</summary>
    public long MissedCrossings { get; private set; }

    public override void Encode(ReadOnlySpan<short> frame, Span<short> output)
    {
        EncoderChecks.CheckSpans(this, frame, output);
        for (int c = 0; c < frame.Length; c++)
        {
            // Floor division, so levels are evenly spaced through zero: level(-1) = -1 for threshold 2.
            int level = FloorDiv(frame[c], Threshold);
            int crossed = Primed ? level - Reference[c] : 0;
            Reference[c] = level;
            Emit(output, c, crossed > 0, crossed < 0);
            if (crossed is > 1 or < -1)
            {
                MissedCrossings += Math.Abs(crossed) - 1;
            }
        }

        Primed = true;
    }

    private static int FloorDiv(int a, int b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

/// <summary>
/// Rate coding: channel c spikes with probability (x - Min) / (Max - Min), clamped to [0, 1], from a seeded
/// xorshift32 generator, so a run is reproducible bit for bit. <paramref name="Seed"/> must not be 0.
/// </summary>
public sealed record RateEncoderConfig(int Channels, short Min, short Max, uint Seed, QFormat OutputFormat, short SpikeValue = 0);

/// <summary>Bernoulli spikes with a rate proportional to the input, in integers (see <see cref="RateEncoderConfig"/>).</summary>
public sealed class RateEncoder : IFrameEncoder
{
    private readonly RateEncoderConfig _config;
    private readonly short _spike;
    private uint _state;

    public RateEncoder(RateEncoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        EncoderChecks.Require(config.Channels >= 1, $"Rate encoder: {config.Channels} channels.");
        EncoderChecks.Require(config.Max > config.Min, $"Rate encoder: max {config.Max} must exceed min {config.Min}.");
        EncoderChecks.Require(config.Seed != 0, "Rate encoder: xorshift32 needs a non-zero seed.");
        EncoderChecks.Require(config.OutputFormat.Storage == QStorage.Int16, "Rate encoder: the output is int16.");
        _config = config;
        _state = config.Seed;
        _spike = config.SpikeValue != 0 ? config.SpikeValue : EncoderChecks.One(config.OutputFormat);
    }

    public int InputChannels => _config.Channels;

    public int OutputChannels => _config.Channels;

    public QFormat OutputFormat => _config.OutputFormat;

    public long Saturations { get; private set; }

    public void Encode(ReadOnlySpan<short> frame, Span<short> output)
    {
        EncoderChecks.CheckSpans(this, frame, output);
        int span = _config.Max - _config.Min;
        for (int c = 0; c < frame.Length; c++)
        {
            int x = frame[c] - _config.Min;
            if (x < 0 || x > span)
            {
                Saturations++;
                x = x < 0 ? 0 : span;
            }

            // Spike when a uniform 16-bit draw u satisfies u * span < x * 2^16: probability exactly x / span.
            uint u = Next() >> 16;
            output[c] = (long)u * span < (long)x << 16 ? _spike : (short)0;
        }
    }

    public void Reset() => _state = _config.Seed;

    private uint Next()
    {
        uint s = _state;
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        _state = s;
        return s;
    }
}
