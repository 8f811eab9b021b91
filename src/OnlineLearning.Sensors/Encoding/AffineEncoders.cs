using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors.Encoding;

/// <summary>
/// y = round((x * Multiplier + Offset) / 2^Shift), saturated to int16, in <paramref name="OutputFormat"/>. Rounding
/// is to nearest with ties toward +infinity (add half, shift right arithmetically), the project's one tie rule.
/// <see cref="FromGain"/> computes the integers from a real gain and offset at configuration time.
/// </summary>
public sealed record AffineMap(int Multiplier, long Offset, int Shift, QFormat OutputFormat)
{
    /// <summary>
    /// The map that sends an input value v (real, in <paramref name="input"/>) to gain * v + offset (real, in
    /// <paramref name="output"/>), with a 15-bit-or-better multiplier. Floating point is used here, at set-up only.
    /// </summary>
    public static AffineMap FromGain(double gain, double offset, QFormat input, QFormat output)
    {
        if (!double.IsFinite(gain) || !double.IsFinite(offset) || gain == 0)
        {
            throw new SensorConfigException($"Affine map: gain {gain} and offset {offset} must be finite, gain non-zero.");
        }

        // Raw ratio: y_raw = x_raw * gain * 2^(out.frac - in.frac). Pick the largest shift keeping |multiplier| < 2^30.
        double ratio = gain * Math.ScaleB(1.0, output.FracBits - input.FracBits);
        int shift = 0;
        while (shift < 40 && Math.Abs(ratio * Math.ScaleB(1.0, shift + 1)) < (1 << 30))
        {
            shift++;
        }

        int multiplier = (int)QFormat.Quantize(ratio, shift, int.MinValue, int.MaxValue);
        long offsetRaw = QFormat.Quantize(offset, output.FracBits + shift, long.MinValue, long.MaxValue);
        return new AffineMap(multiplier, offsetRaw, shift, output);
    }

    internal void Validate(string who)
    {
        EncoderChecks.Require(Shift is >= 0 and <= 62, $"{who}: shift {Shift} must be 0 to 62.");
        EncoderChecks.Require(OutputFormat.Storage == QStorage.Int16, $"{who}: the output is int16.");
    }

    /// <summary>Applies the map; <paramref name="saturated"/> is set when the result was clamped.</summary>
    internal short Apply(int x, out bool saturated)
    {
        long acc = ((long)x * Multiplier) + Offset;
        if (Shift > 0)
        {
            acc = (acc + (1L << (Shift - 1))) >> Shift;
        }

        saturated = acc is < short.MinValue or > short.MaxValue;
        return QMath.SaturateToInt16(acc);
    }
}

/// <summary>Direct current injection: each raw channel through one <see cref="AffineMap"/> into the model's input format.</summary>
public sealed record DirectCurrentConfig(int Channels, AffineMap Map);

/// <summary>Feeds the (affinely mapped) sensor values straight in as input currents, counting saturations.</summary>
public sealed class DirectCurrentEncoder : IFrameEncoder
{
    private readonly DirectCurrentConfig _config;

    public DirectCurrentEncoder(DirectCurrentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        EncoderChecks.Require(config.Channels >= 1, $"Direct-current encoder: {config.Channels} channels.");
        config.Map.Validate("Direct-current encoder");
        _config = config;
    }

    public int InputChannels => _config.Channels;

    public int OutputChannels => _config.Channels;

    public QFormat OutputFormat => _config.Map.OutputFormat;

    public long Saturations { get; private set; }

    public void Encode(ReadOnlySpan<short> frame, Span<short> output)
    {
        EncoderChecks.CheckSpans(this, frame, output);
        for (int c = 0; c < frame.Length; c++)
        {
            output[c] = _config.Map.Apply(frame[c], out bool saturated);
            if (saturated)
            {
                Saturations++;
            }
        }
    }

    public void Reset()
    {
    }
}

public enum LabelKind
{
    /// <summary>Label k becomes a vector of Classes values, 1.0 at k and 0 elsewhere.</summary>
    OneHot,

    /// <summary>Label becomes one value through the affine map.</summary>
    Regression,
}

/// <summary>How labels become training targets. Regression needs <paramref name="Map"/>; one-hot needs <paramref name="Classes"/>.</summary>
public sealed record LabelEncoderConfig(LabelKind Kind, int Classes, QFormat OutputFormat, AffineMap? Map = null);

/// <summary>Turns an int16 label into a target vector: one-hot for classes, or an affine-mapped regression target.</summary>
public sealed class LabelEncoder
{
    private readonly LabelEncoderConfig _config;
    private readonly short _one;

    public LabelEncoder(LabelEncoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        EncoderChecks.Require(config.OutputFormat.Storage == QStorage.Int16, "Label encoder: the output is int16.");
        if (config.Kind == LabelKind.OneHot)
        {
            EncoderChecks.Require(config.Classes >= 2, $"Label encoder: one-hot needs at least 2 classes, not {config.Classes}.");
        }
        else
        {
            EncoderChecks.Require(config.Map is not null, "Label encoder: regression needs an affine map.");
            config.Map!.Validate("Label encoder");
            EncoderChecks.Require(config.Map.OutputFormat == config.OutputFormat, "Label encoder: the map's output format must be the target format.");
        }

        _config = config;
        _one = EncoderChecks.One(config.OutputFormat);
    }

    public int OutputChannels => _config.Kind == LabelKind.OneHot ? _config.Classes : 1;

    public QFormat OutputFormat => _config.OutputFormat;

    /// <summary>One-hot labels outside [0, Classes) (their target is all zeros), plus clamped regression targets.</summary>
    public long Saturations { get; private set; }

    public void Encode(short label, Span<short> target)
    {
        if (target.Length != OutputChannels)
        {
            throw new ArgumentException($"The target holds {target.Length} values; this encoder writes {OutputChannels}.", nameof(target));
        }

        if (_config.Kind == LabelKind.Regression)
        {
            target[0] = _config.Map!.Apply(label, out bool saturated);
            if (saturated)
            {
                Saturations++;
            }

            return;
        }

        target.Clear();
        if ((uint)label < (uint)_config.Classes)
        {
            target[label] = _one;
        }
        else
        {
            Saturations++;
        }
    }
}
