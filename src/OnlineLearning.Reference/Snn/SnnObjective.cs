using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// The loss over a sequence: the output o_t = leak · o_{t-1} + W_out y^L_t (W_out the identity without a
/// readout), and E = Σ_t E_t with E_t = ½ Σ (o_t − target_t)² (seed 000 Eq. 17) or the softmax cross-entropy
/// −Σ_c target_t[c] log softmax(o_t)[c] from the warm-up step on. The spec's MSE has leak 0; its cross-entropy
/// uses the readout leak. F-OTPE (seed 002 3.2) puts the leaky accumulation on either loss.
/// </summary>
internal sealed class SnnObjective
{
    private SnnObjective(LossKind kind, double leak, int warmup, double[][]? readout, int outputs)
    {
        Kind = kind;
        Leak = leak;
        Warmup = warmup;
        Readout = readout;
        Outputs = outputs;
    }

    public LossKind Kind { get; }

    /// <summary>Leak of the output accumulation; 0 means the loss sees only the current step.</summary>
    public double Leak { get; }

    public int Warmup { get; }

    /// <summary>W_out [outputs][n_L], or null for ŷ_t = y^L_t.</summary>
    public double[][]? Readout { get; }

    public int Outputs { get; }

    /// <summary>The same loss with another readout matrix (a frozen copy for the learning signal).</summary>
    public SnnObjective WithReadout(double[][]? readout) => new(Kind, Leak, Warmup, readout, Outputs);

    /// <summary>The loss the spec defines.</summary>
    public static SnnObjective ForSpec(SnnSpec spec) => spec.Loss == LossKind.CrossEntropy
        ? new SnnObjective(LossKind.CrossEntropy, spec.ReadoutLeak, spec.Warmup, spec.Readout?.W, spec.Outputs)
        : new SnnObjective(LossKind.Mse, 0, 0, spec.Readout?.W, spec.Outputs);

    /// <summary>
    /// F-OTPE's loss (seed 002 3.2): the spec's loss on the leaky accumulation of the output, with the readout
    /// leak. For a cross-entropy spec this is the spec's own loss, whose readout already integrates.
    /// </summary>
    public static SnnObjective Accumulated(SnnSpec spec) =>
        new(spec.Loss, spec.ReadoutLeak, spec.Loss == LossKind.CrossEntropy ? spec.Warmup : 0, spec.Readout?.W, spec.Outputs);

    /// <summary>Runs the output over the sequence: the total loss and δ_t = ∂E_t/∂o_t for every step.</summary>
    public (double Loss, double[][] Delta) Evaluate(SnnTrajectory run, double[][] target)
    {
        var spikes = run.Spikes[^1];
        var o = new double[Outputs];
        var delta = new double[run.Steps][];
        double loss = 0;
        for (int t = 0; t < run.Steps; t++)
        {
            var readout = Apply(spikes[t]);
            for (int c = 0; c < Outputs; c++)
            {
                o[c] = (Leak * o[c]) + readout[c];
            }

            (double e, delta[t]) = StepLoss(o, target[t], t);
            loss += e;
        }

        return (loss, delta);
    }

    /// <summary>W_out y, or y itself without a readout.</summary>
    public double[] Apply(double[] y)
    {
        if (Readout is null)
        {
            return (double[])y.Clone();
        }

        var r = new double[Readout.Length];
        for (int c = 0; c < r.Length; c++)
        {
            for (int i = 0; i < y.Length; i++)
            {
                r[c] += Readout[c][i] * y[i];
            }
        }

        return r;
    }

    /// <summary>W_outᵀ δ: the derivative of E_t with respect to the current spikes of the last layer.</summary>
    public double[] Back(double[] delta, int neurons)
    {
        if (Readout is null)
        {
            return (double[])delta.Clone();
        }

        var g = new double[neurons];
        for (int c = 0; c < delta.Length; c++)
        {
            for (int i = 0; i < neurons; i++)
            {
                g[i] += Readout[c][i] * delta[c];
            }
        }

        return g;
    }

    /// <summary>E_t and δ_t = ∂E_t/∂o_t for the output o_t at step t (zero before the warm-up ends).</summary>
    public (double Loss, double[] Delta) StepLoss(double[] o, double[] target, int t)
    {
        var delta = new double[o.Length];
        if (Kind == LossKind.Mse)
        {
            double e = 0;
            for (int c = 0; c < o.Length; c++)
            {
                delta[c] = o[c] - target[c];
                e += 0.5 * delta[c] * delta[c];
            }

            return (e, delta);
        }

        if (t < Warmup)
        {
            return (0, delta);
        }

        // log softmax through the log-sum-exp; δ = softmax(o) Σ target − target (one-hot rows give p − target).
        double max = o.Max();
        double logSum = max + Math.Log(o.Sum(v => Math.Exp(v - max)));
        double mass = target.Sum();
        double loss = 0;
        for (int c = 0; c < o.Length; c++)
        {
            double logP = o[c] - logSum;
            loss -= target[c] * logP;
            delta[c] = (Math.Exp(logP) * mass) - target[c];
        }

        return (loss, delta);
    }
}
