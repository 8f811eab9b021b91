using System.Globalization;
using System.Text;

namespace OnlineLearning.Cli.Runs;

/// <summary>
/// The end-of-run report of the embedded default (host side, after the loop, in double): the network's next-sample
/// error on the last pass against a naive last-value predictor and a least-squares AR(p) fitted on the same
/// frames, and the anomaly score's ROC AUC on windows inside injected artefacts against clean windows.
/// Everything printed is deterministic (no timing), so an arm64 run can be diffed against an x64 run.
/// </summary>
internal static class EcgEvaluation
{
    public const int ArOrder = 8;
    public const double WindowSeconds = 0.5;
    public const double TargetRatio = 0.5;
    public const double TargetAuc = 0.9;

    public sealed record Result(
        int Steps,
        int CleanSteps,
        double NetworkMse,
        double NaiveMse,
        double ArMse,
        double Ratio,
        double Auc,
        int PositiveWindows,
        int NegativeWindows,
        IReadOnlyList<(string Kind, double MeanScore, double Auc)> PerKind,
        double CleanMeanScore,
        double PredictionOnlyAuc)
    {
        public bool RatioMet => Ratio <= TargetRatio;

        public bool AucMet => Auc >= TargetAuc;
    }

    public static Result Evaluate(RunTrace trace, short[] chipSamples, IReadOnlyList<ArtifactSegment> artifacts, int rateHz, int inputFrac, int outputFrac)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(chipSamples);
        int n = trace.Retained;
        int len = chipSamples.Length;
        int start = Align(trace, chipSamples);
        var index = new int[n];
        var x = new double[n];
        var prev = new double[n];
        var pred = new double[n];
        var score = new double[n];
        var predictionScore = new double[n];
        var clean = new bool[n];
        int margin = rateHz;
        for (int k = 0; k < n; k++)
        {
            int i = trace.At(k);
            index[k] = (start + k) % len;
            x[k] = Math.ScaleB(trace.Target[i], -inputFrac);
            prev[k] = Math.ScaleB(trace.Previous[i], -inputFrac);
            pred[k] = Math.ScaleB(trace.Prediction[i], -outputFrac);
            score[k] = Math.ScaleB(trace.Score[i], -SurpriseScore.ScoreFrac);
            predictionScore[k] = Math.ScaleB(trace.PredictionScore[i], -SurpriseScore.ScoreFrac);
            clean[k] = !EcgArtifacts.Inside(artifacts, index[k], margin) && k >= ArOrder;
        }

        double net = 0, naive = 0;
        int cleanSteps = 0;
        for (int k = 0; k < n; k++)
        {
            if (clean[k])
            {
                net += (pred[k] - x[k]) * (pred[k] - x[k]);
                naive += (prev[k] - x[k]) * (prev[k] - x[k]);
                cleanSteps++;
            }
        }

        net /= Math.Max(cleanSteps, 1);
        naive /= Math.Max(cleanSteps, 1);
        double ar = ArMse(x, clean);

        // Windows of WindowSeconds: positive when wholly inside one artefact segment, negative when at least a
        // second away from every segment, otherwise left out.
        int window = Math.Max(1, (int)(rateHz * WindowSeconds));
        var positives = new List<double>();
        var negatives = new List<double>();
        var positivesP = new List<double>();
        var negativesP = new List<double>();
        var perKind = artifacts.Select(a => a.Kind).Distinct().ToDictionary(k => k, _ => new List<double>());
        for (int w = 0; w + window <= n; w += window)
        {
            double mean = 0, meanP = 0;
            bool allInside = true, anyNear = false;
            string? kind = null;
            for (int k = w; k < w + window; k++)
            {
                mean += score[k];
                meanP += predictionScore[k];
                var segment = artifacts.FirstOrDefault(a => index[k] >= a.Start && index[k] < a.End);
                allInside &= segment is not null;
                kind ??= segment?.Kind;
                anyNear |= EcgArtifacts.Inside(artifacts, index[k], margin);
            }

            mean /= window;
            if (allInside)
            {
                positives.Add(mean);
                positivesP.Add(meanP / window);
                perKind[kind!].Add(mean);
            }
            else if (!anyNear)
            {
                negatives.Add(mean);
                negativesP.Add(meanP / window);
            }
        }

        double auc = Auc(positives, negatives);
        var kinds = perKind.Select(p => (p.Key, p.Value.Count == 0 ? 0 : p.Value.Sum() / p.Value.Count, Auc(p.Value, negatives))).ToArray();
        return new Result(n, cleanSteps, net, naive, ar, net / naive, auc, positives.Count, negatives.Count, kinds,
            negatives.Count == 0 ? 0 : negatives.Sum() / negatives.Count, Auc(positivesP, negativesP));
    }

    public static string Format(Result r)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"evaluated:          the last {r.Steps} steps (one pass); {r.CleanSteps} clean steps (injected segments and 1 s around them left out)\n");
        text.Append(inv, $"next-sample MSE:    network {r.NetworkMse:0.000000} mV^2, naive last-value {r.NaiveMse:0.000000} mV^2, AR({ArOrder}) least squares {r.ArMse:0.000000} mV^2\n");
        text.Append(inv, $"error vs naive:     {r.Ratio:0.0000} (network / naive; target <= {TargetRatio}: {(r.RatioMet ? "met" : "NOT met")}); AR({ArOrder}) / naive {r.ArMse / r.NaiveMse:0.0000}\n");
        text.Append(inv, $"anomaly ROC AUC:    {r.Auc:0.0000} over {r.PositiveWindows} artefact and {r.NegativeWindows} clean windows of {WindowSeconds} s (target >= {TargetAuc}: {(r.AucMet ? "met" : "NOT met")})\n");
        text.Append(inv, $"mean window score:  clean {r.CleanMeanScore:0.00}");
        foreach (var (kind, mean, auc) in r.PerKind)
        {
            text.Append(inv, $"; {kind} {mean:0.00} (AUC {auc:0.000})");
        }

        text.Append('\n');
        text.Append(inv, $"score terms:        prediction-error term alone: ROC AUC {r.PredictionOnlyAuc:0.0000} (the baseline term catches the wander a good predictor follows)\n");
        return text.ToString();
    }

    // The pass's first step: the recording index whose code equals the traced frames from there on.
    private static int Align(RunTrace trace, short[] samples)
    {
        int n = trace.Retained;
        int check = Math.Min(n, 4096);
        for (int s = 0; s < samples.Length; s++)
        {
            int k = 0;
            while (k < check && samples[(s + k) % samples.Length] == trace.Frame[trace.At(k)])
            {
                k++;
            }

            if (k == check)
            {
                return s;
            }
        }

        throw new InvalidOperationException("the traced frames do not match the recording fed to the simulated chip");
    }

    /// <summary>AR(p) with an intercept, fitted by least squares (normal equations, Gaussian elimination with pivoting) on the clean steps, evaluated on them.</summary>
    private static double ArMse(double[] x, bool[] clean)
    {
        int p = ArOrder + 1;
        var a = new double[p, p];
        var b = new double[p];
        var row = new double[p];
        for (int k = ArOrder; k < x.Length; k++)
        {
            if (!clean[k])
            {
                continue;
            }

            Regressors(x, k, row);
            for (int i = 0; i < p; i++)
            {
                b[i] += row[i] * x[k];
                for (int j = 0; j < p; j++)
                {
                    a[i, j] += row[i] * row[j];
                }
            }
        }

        double[] w = Solve(a, b);
        double sse = 0;
        int count = 0;
        for (int k = ArOrder; k < x.Length; k++)
        {
            if (!clean[k])
            {
                continue;
            }

            Regressors(x, k, row);
            double y = 0;
            for (int i = 0; i < p; i++)
            {
                y += w[i] * row[i];
            }

            sse += (y - x[k]) * (y - x[k]);
            count++;
        }

        return sse / Math.Max(count, 1);
    }

    private static void Regressors(double[] x, int k, double[] row)
    {
        row[0] = 1;
        for (int j = 1; j <= ArOrder; j++)
        {
            row[j] = x[k - j];
        }
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (int c = 0; c < n; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r, col] / a[col, col];
                for (int c = col; c < n; c++)
                {
                    a[r, c] -= f * a[col, c];
                }

                b[r] -= f * b[col];
            }
        }

        var w = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int c = r + 1; c < n; c++)
            {
                s -= a[r, c] * w[c];
            }

            w[r] = s / a[r, r];
        }

        return w;
    }

    /// <summary>Mann-Whitney AUC: the probability that a positive scores above a negative (ties count half).</summary>
    private static double Auc(List<double> positives, List<double> negatives)
    {
        if (positives.Count == 0 || negatives.Count == 0)
        {
            return double.NaN;
        }

        double wins = 0;
        foreach (double p in positives)
        {
            foreach (double q in negatives)
            {
                wins += p > q ? 1 : p == q ? 0.5 : 0;
            }
        }

        return wins / ((double)positives.Count * negatives.Count);
    }
}
