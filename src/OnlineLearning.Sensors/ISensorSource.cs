using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors;

/// <summary>What one <see cref="ISensorSource.Read"/> produced.</summary>
public enum SensorReadResult
{
    /// <summary>The frame holds a new sample of every channel.</summary>
    Ok,

    /// <summary>
    /// The source is faulted and gave up for this call after its retry budget; the frame is untouched.
    /// The next call keeps retrying. The fault is in <see cref="ISensorSource.Health"/>.
    /// </summary>
    Fault,

    /// <summary>A finite source (a recording without looping) has no more frames.</summary>
    EndOfStream,
}

/// <summary>
/// A sensor that yields fixed-size integer frames at a configured rate. Every implementation reads into the
/// caller's span and allocates nothing per frame after construction; faults never escape
/// <see cref="Read"/> (they are retried with backoff, counted in <see cref="Health"/>, and recovered from).
/// </summary>
public interface ISensorSource : IDisposable
{
    /// <summary>Values per frame.</summary>
    int Channels { get; }

    /// <summary>Frames per second the source delivers (and paces itself to, when it is a live sensor).</summary>
    int SampleRateHz { get; }

    /// <summary>The fixed-point format of every value in a frame (always int16 storage).</summary>
    QFormat FrameFormat { get; }

    /// <summary>Fault, retry and lost-frame counters, readable at any time without allocating.</summary>
    SensorHealth Health { get; }

    /// <summary>Reads the next frame into <paramref name="frame"/>, whose length must be <see cref="Channels"/>.</summary>
    SensorReadResult Read(Span<short> frame);

    /// <summary>One line saying what the source is (device, channels, rate, format), for logs and status.</summary>
    string Describe();
}

/// <summary>A source whose frames carry a label (a recording with a label column, for example).</summary>
public interface ILabeledSource
{
    bool HasLabels { get; }

    /// <summary>The label of the frame the last successful read returned.</summary>
    short Label { get; }
}
