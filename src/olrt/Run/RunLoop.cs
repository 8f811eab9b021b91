using System.Device.Gpio;
using System.Diagnostics;
using OnlineLearning.Core.Networks;
using OnlineLearning.Sensors;
using OnlineLearning.Sensors.Encoding;

namespace OnlineLearning.Cli.Runs;

/// <summary>The last steps of a next-sample run, kept for the end-of-run evaluation (arrays allocated once, before the loop).</summary>
internal sealed class RunTrace
{
    public RunTrace(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Frame = new short[capacity];
        Previous = new short[capacity];
        Target = new short[capacity];
        Prediction = new int[capacity];
        Score = new int[capacity];
        PredictionScore = new int[capacity];
    }

    public int Capacity => Frame.Length;

    /// <summary>Steps recorded so far (the arrays hold the last <see cref="Capacity"/> of them, as a ring).</summary>
    public long Count { get; private set; }

    /// <summary>The raw sensor frame (channel 0) whose encoded value was the step's target.</summary>
    public short[] Frame { get; }

    /// <summary>The encoded input of the step (the previous frame): the naive last-value prediction.</summary>
    public short[] Previous { get; }

    /// <summary>The encoded target (the frame after the input).</summary>
    public short[] Target { get; }

    /// <summary>The network's output for the step, in its output format.</summary>
    public int[] Prediction { get; }

    /// <summary>The surprise score after the step, Q8.</summary>
    public int[] Score { get; }

    /// <summary>The prediction-error term of the score alone, Q8.</summary>
    public int[] PredictionScore { get; }

    public void Add(short frame, short previous, short target, int prediction, int score, int predictionScore)
    {
        PredictionScore[(int)(Count % Capacity)] = predictionScore;
        int i = (int)(Count % Capacity);
        Frame[i] = frame;
        Previous[i] = previous;
        Target[i] = target;
        Prediction[i] = prediction;
        Score[i] = score;
        Count++;
    }

    /// <summary>Index into the arrays of the k-th oldest retained step.</summary>
    public int At(int k) => (int)((Count - Math.Min(Count, Capacity) + k) % Capacity);

    public int Retained => (int)Math.Min(Count, Capacity);
}

/// <summary>Counters the loop keeps; read by the reporter between frames.</summary>
internal sealed class RunCounters
{
    /// <summary>Network steps including those before a resume.</summary>
    public long Steps { get; set; }

    public long StepsThisRun { get; set; }

    public long Frames { get; set; }

    public long LossSum { get; set; }

    public long LossCount { get; set; }

    public long Correct { get; set; }

    public long Labeled { get; set; }

    public long CorrectTotal { get; set; }

    public long LabeledTotal { get; set; }

    public int Score { get; set; }

    public int MaxScoreSinceStatus { get; set; }

    public long Events { get; set; }

    public long DeadlineMisses { get; set; }

    public long Faults { get; set; }

    public long MeasuredFrames { get; set; }

    public long AllocatedBytes { get; set; }

    public long StartTimestamp { get; set; }
}

/// <summary>Why the loop stopped.</summary>
internal enum RunStop
{
    EndOfStream,
    FrameBudget,
    MaxSteps,
    Signal,
}

/// <summary>Everything the loop drives, built and validated by <see cref="RunSetup"/> before it starts.</summary>
internal sealed class RunParts : IDisposable
{
    public required ISensorSource Source { get; init; }

    public required IFrameEncoder Encoder { get; init; }

    public required IOnlineNetwork Network { get; init; }

    public required LearningSignal Learning { get; init; }

    public GpioLabelSource? GpioLabels { get; init; }

    public GpioController? AnomalyGpio { get; init; }

    public int AnomalyPin { get; init; } = -1;

    /// <summary>Frames to read before stopping (loops x recording length); 0: no limit.</summary>
    public long FrameBudget { get; init; }

    /// <summary>For bundled-ecg: the samples fed to the simulated chip (codes), for the evaluation.</summary>
    public short[]? ChipSamples { get; init; }

    /// <summary>For bundled-ecg with artefacts: the injected segments as [start, end) sample indices and names.</summary>
    public IReadOnlyList<ArtifactSegment> Artifacts { get; init; } = [];

    public void Dispose()
    {
        Source.Dispose();
        GpioLabels?.Dispose();
        AnomalyGpio?.Dispose();
    }
}

/// <summary>
/// The on-device loop: acquire a frame, encode it, step the network with the configured learning signal, score the
/// surprise. Every frame allocates nothing; the loop measures that with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around acquire, encode, step and learn. Status, metrics and
/// checkpoints run between frames through <see cref="Periodic"/> (outside the measurement).
/// </summary>
internal sealed class RunLoop
{
    private readonly RunParts _parts;
    private readonly ISensorSource _source;
    private readonly IFrameEncoder _encoder;
    private readonly IOnlineNetwork _net;
    private readonly ILabeledSource? _labeled;
    private readonly short[] _frame;
    private readonly short[] _input;
    private readonly short[] _previous;
    private readonly int[] _target;
    private readonly int _targetShift;
    private readonly int _errorShift;
    private readonly SurpriseScore _surprise;
    private readonly int _thresholdQ8;
    private readonly long _warmup;
    private readonly long _periodTicks;
    private readonly RunTrace? _trace;
    private bool _havePrevious;
    private bool _aboveThreshold;
    private volatile bool _stop;

    public RunLoop(RunParts parts, AnomalyConfig anomaly, RunTrace? trace)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(anomaly);
        _parts = parts;
        _source = parts.Source;
        _encoder = parts.Encoder;
        _net = parts.Network;
        _labeled = parts.Source as ILabeledSource;
        _frame = new short[_source.Channels];
        _input = new short[_encoder.OutputChannels];
        _previous = new short[_encoder.OutputChannels];
        _target = new int[_net.Outputs];
        _targetShift = _net.TargetFormat.FracBits - _encoder.OutputFormat.FracBits;
        _errorShift = Math.Max(0, _net.OutputFormat.FracBits - 12);
        _surprise = new SurpriseScore(anomaly.SlowShift, anomaly.FastShift, anomaly.LevelShift);
        _thresholdQ8 = (int)Math.Min(int.MaxValue, Math.Round(anomaly.Threshold * (1 << SurpriseScore.ScoreFrac)));
        _warmup = anomaly.WarmupSteps >= 0 ? anomaly.WarmupSteps : 1L << anomaly.SlowShift;
        _periodTicks = Stopwatch.Frequency / _source.SampleRateHz;
        _trace = trace;
    }

    public RunCounters Counters { get; } = new();

    /// <summary>Called between frames, outside the allocation measurement; returns nothing.</summary>
    public Action<RunLoop, bool>? Periodic { get; set; }

    /// <summary>Called when the score crosses the threshold upward (outside the measurement).</summary>
    public Action<RunLoop, int>? AnomalyEvent { get; set; }

    public long PeriodTicks => _periodTicks;

    public int ThresholdQ8 => _thresholdQ8;

    /// <summary>Asks the loop to stop after the current frame (safe from a signal handler).</summary>
    public void RequestStop() => _stop = true;

    public bool StopRequested => _stop;

    public RunStop Run(long maxSteps)
    {
        var c = Counters;
        c.StartTimestamp = Stopwatch.GetTimestamp();
        long nextPeriodic = c.StartTimestamp;
        long periodicTicks = Stopwatch.Frequency / 20;
        bool nextSample = _parts.Learning == LearningSignal.NextSample;
        while (true)
        {
            if (_stop)
            {
                return RunStop.Signal;
            }

            if (maxSteps > 0 && c.StepsThisRun >= maxSteps)
            {
                return RunStop.MaxSteps;
            }

            if (_parts.FrameBudget > 0 && c.Frames >= _parts.FrameBudget)
            {
                return RunStop.FrameBudget;
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            var read = _source.Read(_frame);
            long acquired = Stopwatch.GetTimestamp();
            if (read == SensorReadResult.EndOfStream)
            {
                return RunStop.EndOfStream;
            }

            bool crossed = false;
            if (read == SensorReadResult.Fault)
            {
                c.Faults++;
            }
            else
            {
                c.Frames++;
                _encoder.Encode(_frame, _input);
                crossed = nextSample ? StepNextSample() : StepLabelled();
                if (Stopwatch.GetTimestamp() - acquired > _periodTicks)
                {
                    c.DeadlineMisses++;
                }
            }

            c.AllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - before;
            c.MeasuredFrames++;
            if (crossed)
            {
                AnomalyEvent?.Invoke(this, c.Score);
            }

            long now = Stopwatch.GetTimestamp();
            if (now >= nextPeriodic)
            {
                nextPeriodic = now + periodicTicks;
                Periodic?.Invoke(this, false);
            }
        }
    }

    private bool StepNextSample()
    {
        var c = Counters;
        if (!_havePrevious)
        {
            _input.AsSpan().CopyTo(_previous);
            _havePrevious = true;
            return false;
        }

        int outputs = _target.Length;
        for (int i = 0; i < outputs; i++)
        {
            _target[i] = _targetShift >= 0 ? _input[i] << _targetShift : _input[i] >> -_targetShift;
        }

        if (_parts.Learning == LearningSignal.None)
        {
            _net.Infer(_previous);
        }
        else
        {
            c.LossSum += _net.Step(_previous, _target);
            c.LossCount++;
        }

        ReadOnlySpan<int> output = _net.Output;
        long squared = 0;
        int level = 0;
        for (int i = 0; i < outputs; i++)
        {
            long e = ((long)output[i] - _target[i]) >> _errorShift;
            squared += e * e;
            level += _input[i];
        }

        int score = _surprise.Update(squared, level);
        c.Score = score;
        c.MaxScoreSinceStatus = Math.Max(c.MaxScoreSinceStatus, score);
        c.Steps++;
        c.StepsThisRun++;
        _trace?.Add(_frame[0], _previous[0], _input[0], output[0], score, _surprise.PredictionScore);
        _input.AsSpan().CopyTo(_previous);
        return UpdateAnomaly(score);
    }

    private bool StepLabelled()
    {
        var c = Counters;
        if (_parts.Learning == LearningSignal.None)
        {
            _net.Infer(_input);
        }
        else
        {
            int label = _parts.Learning == LearningSignal.GpioLabels ? _parts.GpioLabels!.Read() : _labeled!.Label;
            c.LossSum += _net.StepLabel(_input, label);
            c.LossCount++;
            // The class of this step's output (Predict() may mean "of the sequence so far", and a stream has no sequences).
            int hit = ArgMax(_net.Output) == label ? 1 : 0;
            c.Correct += hit;
            c.CorrectTotal += hit;
            c.Labeled++;
            c.LabeledTotal++;
        }

        c.Steps++;
        c.StepsThisRun++;
        return false;
    }

    private static int ArgMax(ReadOnlySpan<int> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private bool UpdateAnomaly(int score)
    {
        if (Counters.StepsThisRun <= _warmup)
        {
            return false;
        }

        if (!_aboveThreshold && score > _thresholdQ8)
        {
            _aboveThreshold = true;
            Counters.Events++;
            _parts.AnomalyGpio?.Write(_parts.AnomalyPin, PinValue.High);
            return true;
        }

        if (_aboveThreshold && score < _thresholdQ8 / 2)
        {
            _aboveThreshold = false;
            _parts.AnomalyGpio?.Write(_parts.AnomalyPin, PinValue.Low);
        }

        return false;
    }
}
