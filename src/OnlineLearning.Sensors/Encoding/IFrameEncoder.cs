using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors.Encoding;

/// <summary>
/// Turns one sensor frame into one network input vector, in integers only and without allocating. Encoders with
/// state (the spike encoders) carry it between frames; <see cref="Reset"/> clears it.
/// </summary>
public interface IFrameEncoder
{
    int InputChannels { get; }

    /// <summary>Length of the vector <see cref="Encode"/> writes: check it against the model's input count.</summary>
    int OutputChannels { get; }

    QFormat OutputFormat { get; }

    /// <summary>Values clamped to the output range since construction.</summary>
    long Saturations { get; }

    void Encode(ReadOnlySpan<short> frame, Span<short> output);

    void Reset();
}

/// <summary>Checks shared by the encoders.</summary>
public static class EncoderChecks
{
    /// <summary>Throws a <see cref="SensorConfigException"/> when the encoder cannot feed a model with <paramref name="modelInputs"/> inputs.</summary>
    public static void ValidateFor(this IFrameEncoder encoder, int sourceChannels, int modelInputs)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (encoder.InputChannels != sourceChannels)
        {
            throw new SensorConfigException(
                $"The encoder expects {encoder.InputChannels} sensor channels, the source has {sourceChannels}.");
        }

        if (encoder.OutputChannels != modelInputs)
        {
            throw new SensorConfigException(
                $"The encoder produces {encoder.OutputChannels} inputs, the model expects {modelInputs}.");
        }
    }

    internal static void CheckSpans(IFrameEncoder encoder, ReadOnlySpan<short> frame, Span<short> output)
    {
        if (frame.Length != encoder.InputChannels || output.Length != encoder.OutputChannels)
        {
            throw new ArgumentException(
                $"Expected a frame of {encoder.InputChannels} and an output of {encoder.OutputChannels}; got {frame.Length} and {output.Length}.");
        }
    }

    internal static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new SensorConfigException(message);
        }
    }

    /// <summary>1.0 in <paramref name="format"/>, or its maximum when 1.0 does not fit (Q15).</summary>
    internal static short One(QFormat format) => (short)Math.Min(1L << format.FracBits, short.MaxValue);
}
