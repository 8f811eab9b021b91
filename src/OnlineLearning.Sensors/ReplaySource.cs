using OnlineLearning.Numerics;

namespace OnlineLearning.Sensors;

/// <summary>Settings of a <see cref="ReplaySource"/>.</summary>
public sealed record ReplayOptions
{
    /// <summary>Deliver frames at the recording's sample rate (true) or as fast as the caller reads (false).</summary>
    public bool RealTime { get; init; }

    /// <summary>Start again at the first frame after the last instead of ending the stream.</summary>
    public bool Loop { get; init; }
}

/// <summary>Plays a <see cref="Recording"/> back as a source, with its labels when it has them.</summary>
public sealed class ReplaySource : SensorSource, ILabeledSource
{
    private readonly Recording _recording;
    private readonly ReplayOptions _options;
    private readonly FramePacer _pacer;
    private int _position;

    public ReplaySource(Recording recording, ReplayOptions? options = null, ISensorClock? clock = null)
        : base(clock ?? SystemSensorClock.Instance, RetryPolicy.Default)
    {
        ArgumentNullException.ThrowIfNull(recording);
        _recording = recording;
        _options = options ?? new ReplayOptions();
        _pacer = new FramePacer(Clock, recording.SampleRateHz);
    }

    public override int Channels => _recording.Channels;

    public override int SampleRateHz => _recording.SampleRateHz;

    public override QFormat FrameFormat => _recording.Format;

    public bool HasLabels => _recording.HasLabels;

    public short Label { get; private set; }

    /// <summary>Index of the next frame.</summary>
    public int Position => _position;

    public override string Describe() =>
        $"replay {_recording.Name}: {Channels} channel(s) at {SampleRateHz} Hz, {FrameFormat}, {_recording.FrameCount} frames" +
        (HasLabels ? " with labels" : string.Empty) + (_options.RealTime ? ", real time" : ", as fast as read") +
        (_options.Loop ? ", looping" : string.Empty);

    protected override SensorReadResult ReadFrame(Span<short> frame)
    {
        if (_position == _recording.FrameCount)
        {
            if (!_options.Loop)
            {
                return SensorReadResult.EndOfStream;
            }

            _position = 0;
        }

        if (_options.RealTime)
        {
            // Every frame of a recording is data: when the caller is late the schedule moves, nothing is skipped.
            _pacer.WaitNext(dropLate: false);
        }

        _recording.Frame(_position).CopyTo(frame);
        Label = _recording.Label(_position);
        _position++;
        return SensorReadResult.Ok;
    }

    protected override void Recover()
    {
        // A recording in memory cannot fault.
    }
}
