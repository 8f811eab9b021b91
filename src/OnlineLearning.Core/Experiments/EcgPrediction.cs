using System.Diagnostics;
using OnlineLearning.Core.Data;
using OnlineLearning.Core.Networks;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Experiments;

/// <summary>
/// The ECG next-sample task (<c>olrt train --task ecg</c>): the MIT-BIH record of the cache (360 Hz, millivolts),
/// split in time into a training segment and the test segment after it. The series is standardised by the
/// training segment's mean and standard deviation; errors are reported back in mV².
/// </summary>
public sealed record EcgSeries(double[] Train, double[] Test, double Mean, double Std, double SampleRateHz)
{
    /// <summary>
    /// The cache's ECG: the first <paramref name="trainFraction"/> of the record for training, the rest for testing;
    /// <paramref name="trainSeconds"/> and <paramref name="testSeconds"/> keep the first seconds of each (reduced runs).
    /// </summary>
    public static EcgSeries Load(double trainFraction = 0.8, double? trainSeconds = null, double? testSeconds = null, string? root = null) =>
        Split(DataCache.EcgMillivolts(root), EcgDat.SampleRateHz, trainFraction, trainSeconds, testSeconds);

    public static EcgSeries Split(double[] millivolts, double rateHz, double trainFraction, double? trainSeconds = null, double? testSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(millivolts);
        int cut = (int)Math.Round(millivolts.Length * trainFraction);
        if (cut < 2 || millivolts.Length - cut < 2)
        {
            throw new ArgumentException($"cannot split {millivolts.Length} samples at {trainFraction}", nameof(trainFraction));
        }

        var train = millivolts[..cut];
        var test = millivolts[cut..];
        if (trainSeconds is double ts)
        {
            train = train[..Math.Clamp((int)(ts * rateHz), 2, train.Length)];
        }

        if (testSeconds is double es)
        {
            test = test[..Math.Clamp((int)(es * rateHz), 2, test.Length)];
        }

        double mean = train.Average();
        double std = Math.Sqrt(train.Select(v => (v - mean) * (v - mean)).Average());
        return new EcgSeries(train, test, mean, std > 0 ? std : 1, rateHz);
    }
}

/// <summary>One point of the ECG learning curve: a chunk of training steps and, at the end of each epoch, the test figures.</summary>
public sealed record EcgCurvePoint(int Epoch, long Steps, double TrainMse, double TestMse, double NaiveMse, double Seconds)
{
    /// <summary>Network MSE over naive last-value MSE on the test segment (NaN between epochs).</summary>
    public double Ratio => TestMse / NaiveMse;
}

/// <summary>The outcome: test MSE (mV²) of the network and of the naive last-value predictor, and the curve.</summary>
public sealed record EcgResult(double TestMse, double NaiveMse, double TrainNaiveMse, long Steps, IReadOnlyList<EcgCurvePoint> Curve)
{
    public double Ratio => TestMse / NaiveMse;
}

/// <summary>
/// Next-sample prediction, online: at every step the network reads x[t] (standardised) and learns to output
/// x[t+1] (<see cref="IOnlineNetwork.Step"/> with an MSE target), the training segment streamed as one sequence per
/// epoch with no reset inside it. The test segment is then run without learning (<see cref="IOnlineNetwork.Infer"/>
/// from a reset state; the first <see cref="EcgPredictionOptions.TestWarmup"/> steps are not scored) and compared with
/// predicting x[t+1] = x[t].
/// </summary>
public static class EcgPrediction
{
    public static EcgResult Run(IOnlineNetwork network, EcgSeries series, EcgPredictionOptions options, Action<EcgCurvePoint>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        if (network.Inputs != 1 || network.Outputs != 1)
        {
            throw new ArgumentException($"ECG next-sample prediction needs a model with 1 input and 1 output, not {network.Inputs} and {network.Outputs}");
        }

        var input = new short[1];
        var target = new int[1];
        int inFrac = network.InputFormat.FracBits, targetFrac = network.TargetFormat.FracBits, outFrac = network.OutputFormat.FracBits;
        double scale = series.Std * series.Std;
        var curve = new List<EcgCurvePoint>();
        var clock = Stopwatch.StartNew();
        long steps = 0;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            double chunkSse = 0;
            int chunkCount = 0;
            for (int t = 0; t + 1 < series.Train.Length; t++)
            {
                if (options.Schedule is { } schedule && t % options.ScheduleEvery == 0)
                {
                    network.SetLearningRateFactor(schedule.Factor(steps / options.ScheduleEvery));
                }

                input[0] = (short)QFormat.Quantize(Standard(series, series.Train[t]), inFrac, short.MinValue, short.MaxValue);
                double next = Standard(series, series.Train[t + 1]);
                target[0] = (int)QFormat.Quantize(next, targetFrac, int.MinValue, int.MaxValue);
                network.Step(input, target);
                double err = Math.ScaleB(network.Output[0], -outFrac) - next;   // the prediction made before this step's update
                chunkSse += err * err;
                chunkCount++;
                steps++;
                if (chunkCount == options.CurveEvery || t + 2 == series.Train.Length)
                {
                    var point = new EcgCurvePoint(epoch + 1, steps, chunkSse / chunkCount * scale, double.NaN, double.NaN, clock.Elapsed.TotalSeconds);
                    progress?.Invoke(point);
                    if (t + 2 < series.Train.Length)
                    {
                        curve.Add(point);
                    }
                    else
                    {
                        var (testMse, naive) = Test(network, series, options.TestWarmup);
                        curve.Add(point with { TestMse = testMse, NaiveMse = naive });
                    }

                    chunkSse = 0;
                    chunkCount = 0;
                }
            }

            network.EndSequence();
        }

        var last = curve[^1];
        double trainNaive = NaiveMse(series.Train, 0);
        return new EcgResult(last.TestMse, last.NaiveMse, trainNaive, steps, curve);
    }

    /// <summary>Test MSE (mV²) of the frozen network from a reset state, and of the last-value predictor, over the same steps.</summary>
    public static (double Network, double Naive) Test(IOnlineNetwork network, EcgSeries series, int warmup)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(series);
        network.ResetState();
        var input = new short[1];
        int inFrac = network.InputFormat.FracBits, outFrac = network.OutputFormat.FracBits;
        double sse = 0;
        int count = 0;
        for (int t = 0; t + 1 < series.Test.Length; t++)
        {
            input[0] = (short)QFormat.Quantize(Standard(series, series.Test[t]), inFrac, short.MinValue, short.MaxValue);
            network.Infer(input);
            if (t >= warmup)
            {
                double prediction = Math.ScaleB(network.Output[0], -outFrac) * series.Std + series.Mean;
                double err = prediction - series.Test[t + 1];
                sse += err * err;
                count++;
            }
        }

        network.ResetState();
        return (sse / Math.Max(1, count), NaiveMse(series.Test, warmup));
    }

    /// <summary>Mean squared error of predicting x[t+1] = x[t], from step <paramref name="from"/> on.</summary>
    public static double NaiveMse(ReadOnlySpan<double> x, int from)
    {
        double sse = 0;
        int count = 0;
        for (int t = from; t + 1 < x.Length; t++)
        {
            double d = x[t + 1] - x[t];
            sse += d * d;
            count++;
        }

        return sse / Math.Max(1, count);
    }

    private static double Standard(EcgSeries s, double v) => (v - s.Mean) / s.Std;
}

/// <summary>How <see cref="EcgPrediction"/> runs.</summary>
public sealed record EcgPredictionOptions
{
    public int Epochs { get; init; } = 1;

    /// <summary>A learning-rate factor schedule over blocks of <see cref="ScheduleEvery"/> steps (null: constant).</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Steps per schedule update (the factor is set on the host every this many steps).</summary>
    public int ScheduleEvery { get; init; } = 360;

    /// <summary>A training-curve point every this many steps.</summary>
    public int CurveEvery { get; init; } = 3600;

    /// <summary>Test steps run but not scored after the reset (the recurrent state settling).</summary>
    public int TestWarmup { get; init; } = 360;
}
