using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>Accumulators for dE/dW^l, dE/dθ^l and dE/dW_out, shaped like the spec's parameters.</summary>
internal sealed class SnnGradientSet
{
    public SnnGradientSet(SnnSpec spec)
    {
        W = spec.Layers.Select(l => Matrix(l.Size, l.FanIn)).ToArray();
        Threshold = spec.Layers.Select(l => new double[l.Size]).ToArray();
        Readout = spec.Readout is null ? null : Matrix(spec.Readout.Size, spec.Readout.FanIn);
    }

    public double[][][] W { get; }

    public double[][] Threshold { get; }

    public double[][]? Readout { get; }

    public GradientReport ToReport(double loss)
    {
        var report = new GradientReport { Loss = loss };
        for (int l = 0; l < W.Length; l++)
        {
            report.Add($"layers[{l}].W", W[l]);
            report.Add($"layers[{l}].threshold", Threshold[l]);
        }

        if (Readout is not null)
        {
            report.Add("readout.W", Readout);
        }

        return report;
    }

    /// <summary>
    /// dE/dW_out = Σ_t δ_t ⊗ ȳ_t with ȳ_t = leak ȳ_{t-1} + y^L_t: exact, and computable online, for every rule.
    /// </summary>
    public void AddReadout(SnnObjective objective, SnnTrajectory run, double[][] delta)
    {
        if (Readout is null)
        {
            return;
        }

        var spikes = run.Spikes[^1];
        var filtered = new double[spikes[0].Length];
        for (int t = 0; t < run.Steps; t++)
        {
            for (int i = 0; i < filtered.Length; i++)
            {
                filtered[i] = (objective.Leak * filtered[i]) + spikes[t][i];
            }

            for (int c = 0; c < Readout.Length; c++)
            {
                for (int i = 0; i < filtered.Length; i++)
                {
                    Readout[c][i] += delta[t][c] * filtered[i];
                }
            }
        }
    }

    /// <summary>Zeroes every accumulator.</summary>
    public void Clear()
    {
        foreach (var m in W.Append(Readout ?? []))
        {
            foreach (var row in m)
            {
                Array.Clear(row);
            }
        }

        foreach (var t in Threshold)
        {
            Array.Clear(t);
        }
    }

    /// <summary>One plain SGD step in place on the spec's arrays: p −= lr · g.</summary>
    public void Descend(SnnSpec spec, double learningRate, bool trainThresholds)
    {
        for (int l = 0; l < W.Length; l++)
        {
            Descend(spec.Layers[l].W, W[l], learningRate);
            if (trainThresholds)
            {
                Descend([spec.Layers[l].Threshold], [Threshold[l]], learningRate);
            }
        }

        if (Readout is not null)
        {
            Descend(spec.Readout!.W, Readout, learningRate);
        }
    }

    private static void Descend(double[][] p, double[][] g, double learningRate)
    {
        for (int i = 0; i < p.Length; i++)
        {
            for (int j = 0; j < p[i].Length; j++)
            {
                p[i][j] -= learningRate * g[i][j];
            }
        }
    }

    private static double[][] Matrix(int rows, int cols) => Enumerable.Range(0, rows).Select(_ => new double[cols]).ToArray();
}
