using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors.Encoding;

/// <summary>
/// What delta and level-crossing encoding share: an ON (2c) and an OFF (2c + 1) output per channel, one integer
/// reference per channel, a first frame that only sets the references, and the checks on their config.
/// </summary>
public abstract class OnOffSpikeEncoder : IFrameEncoder
{
    private readonly SpikeEncoderConfig _config;
    private readonly short _spike;

    protected OnOffSpikeEncoder(SpikeEncoderConfig config, string name, string thresholdName)
    {
        ArgumentNullException.ThrowIfNull(config);
        EncoderChecks.Require(config.Channels >= 1, $"{name}: {config.Channels} channels.");
        EncoderChecks.Require(config.Threshold >= 1, $"{name}: {thresholdName} {config.Threshold} must be at least 1 count.");
        EncoderChecks.Require(config.OutputFormat.Storage == QStorage.Int16, $"{name}: the output is int16.");
        _config = config;
        Reference = new int[config.Channels];
        _spike = config.SpikeValue != 0 ? config.SpikeValue : EncoderChecks.One(config.OutputFormat);
    }

    public int InputChannels => _config.Channels;

    public int OutputChannels => 2 * _config.Channels;

    public QFormat OutputFormat => _config.OutputFormat;

    public long Saturations => 0;

    /// <summary>Raw counts between spikes (delta) or between levels (level crossing).</summary>
    protected int Threshold => _config.Threshold;

    /// <summary>Per channel: the value at the last spike (delta) or the current level (level crossing).</summary>
    protected int[] Reference { get; }

    /// <summary>False until the first frame has set the references.</summary>
    protected bool Primed { get; set; }

    public abstract void Encode(ReadOnlySpan<short> frame, Span<short> output);

    public void Reset()
    {
        Array.Clear(Reference);
        Primed = false;
    }

    /// <summary>Writes channel c's ON and OFF outputs.</summary>
    protected void Emit(Span<short> output, int c, bool on, bool off)
    {
        output[2 * c] = on ? _spike : (short)0;
        output[(2 * c) + 1] = off ? _spike : (short)0;
    }
}
