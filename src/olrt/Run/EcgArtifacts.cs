namespace OnlineLearning.Cli.Runs;

/// <summary>An injected artefact: samples [Start, End) of the recording.</summary>
internal sealed record ArtifactSegment(string Kind, int Start, int End);

/// <summary>
/// Deterministic artefacts injected into a copy of the bundled ECG (counts, 200 per mV) in its second half, at known
/// segments, so the anomaly score can be checked against ground truth: baseline wander, electrode pops and muscle
/// noise. Only +, -, x, / on doubles and integer arithmetic are used (no libm), so x64 and arm64 produce the same samples.
/// </summary>
internal static class EcgArtifacts
{
    public const int CountsPerMv = 200;

    /// <summary>Baseline wander: amplitude in mV and frequency in Hz (respiration).</summary>
    public const double WanderMv = 1.5;

    public const double WanderHz = 0.3;

    /// <summary>The segments for a recording of <paramref name="frames"/> samples at <paramref name="rateHz"/> (the second half only).</summary>
    public static IReadOnlyList<ArtifactSegment> Segments(int frames, int rateHz)
    {
        int half = frames / 2;
        int s = rateHz;
        var segments = new List<ArtifactSegment>();
        // Four segments of 8 s, 12 s apart, starting 5 s into the second half, as long as they fit.
        string[] kinds = ["baseline wander", "electrode pop", "muscle noise", "electrode pop"];
        for (int k = 0; k < kinds.Length; k++)
        {
            int start = half + (5 * s) + (k * 20 * s);
            int end = start + (8 * s);
            if (end <= frames)
            {
                segments.Add(new ArtifactSegment(kinds[k], start, end));
            }
        }

        return segments;
    }

    /// <summary>Adds the artefacts of <paramref name="segments"/> to <paramref name="counts"/> (in place), saturating to int16.</summary>
    public static void Inject(short[] counts, IReadOnlyList<ArtifactSegment> segments, int rateHz)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(segments);
        ulong rng = 0x9E3779B97F4A7C15UL;
        foreach (var segment in segments)
        {
            double pop = 0;
            int popEvery = rateHz * 2 / 3;
            for (int i = segment.Start; i < segment.End; i++)
            {
                int t = i - segment.Start;
                double add = segment.Kind switch
                {
                    // 1.5 mV sway at 0.3 Hz (respiration), eased in over the first half second.
                    "baseline wander" => WanderMv * CountsPerMv * Sine(2 * Math.PI * WanderHz * t / rateHz) * Math.Min(1.0, t / (0.5 * rateHz)),
                    // An electrode losing and regaining contact: a 2 mV step every 2/3 s, alternating sign, decaying with 0.1 s.
                    "electrode pop" => Pop(ref pop, t, popEvery, rateHz),
                    // EMG: broadband noise, 0.08 mV RMS (sum of four uniforms).
                    _ => 0.08 * CountsPerMv * Noise(ref rng),
                };
                counts[i] = (short)Math.Clamp(Math.Round(counts[i] + add), short.MinValue, short.MaxValue);
            }
        }
    }

    /// <summary>Whether sample i of the recording lies inside any segment.</summary>
    public static bool Inside(IReadOnlyList<ArtifactSegment> segments, int i, int margin = 0)
    {
        foreach (var s in segments)
        {
            if (i >= s.Start - margin && i < s.End + margin)
            {
                return true;
            }
        }

        return false;
    }

    private static double Pop(ref double level, int t, int every, int rateHz)
    {
        if (t % every == 0)
        {
            level += (t / every % 2 == 0 ? 2.0 : -2.0) * CountsPerMv;
        }

        level -= level / (0.1 * rateHz);
        return level;
    }

    // Zero mean, unit variance: the sum of four uniforms on [-sqrt 3, sqrt 3] divided by 2.
    private static double Noise(ref ulong state)
    {
        double sum = 0;
        for (int k = 0; k < 4; k++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            sum += (((state >> 11) * (1.0 / (1UL << 53))) - 0.5) * 3.4641016151377544;
        }

        return sum / 2;
    }

    /// <summary>sin x by argument reduction to [-pi, pi] and a Taylor polynomial (error below 1e-6; no libm, so bit-identical everywhere).</summary>
    internal static double Sine(double x)
    {
        double turns = Math.Floor((x / (2 * Math.PI)) + 0.5);
        double r = x - (turns * 2 * Math.PI);
        double r2 = r * r;
        double term = r;
        double sum = r;
        for (int n = 1; n <= 9; n++)
        {
            term = -term * r2 / ((2 * n) * ((2 * n) + 1));
            sum += term;
        }

        return sum;
    }
}
