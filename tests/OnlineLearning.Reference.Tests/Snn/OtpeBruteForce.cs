using OnlineLearning.Core.Gradients;
using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Tests.Snn;

/// <summary>
/// A second, deliberately slow implementation of OTPE and Approx OTPE (seed 002 Eq. 3-5), written from the
/// defining sums instead of recursions, to check <c>SnnReference</c>. It shares nothing with the reference but
/// the spec: its own forward pass (the LIF keeps the reset potential U explicitly), its own Jacobians, its own
/// loss. Every trace is an explicit sum over past steps:
///   dv_t/dW_ij = Σ_{τ≤t} (Π_{u=τ+1..t} ∂v_u/∂v_{u−1}) x_τ[j]      (seed 002 Eq. 1-2, O(T³) products)
///   R̂_t       = Σ_{τ≤t} κ^{t−τ} h'_τ dv_τ/dW                       (seed 002 Eq. 4)
///   â_t = Σ_{τ≤t} d^{t−τ} x_τ,  ẑ_t = Σ_{τ≤t} κ^{t−τ} â_τ,  ḡ_t = Σ κ^{t−τ} h'_τ / Σ κ^{t−τ}   (seed 002 3.1)
/// The reference's documented choices are followed (docs/grads.md, rules): κ is the leak of what receives the
/// layer's spikes, ḡ is normalised by its weight sum, and the spatial signal crosses a layer with ḡ for both rules.
/// </summary>
internal sealed class OtpeBruteForce
{
    private readonly SnnSpec _spec;
    private readonly double[][] _input;
    private readonly double[][] _target;
    private readonly double _outLeak;
    private readonly int _warmup;

    // [layer][step][neuron]: the potential before threshold (v for the LIF, s for the SNU), spikes, surrogates.
    private readonly double[][][] _v;
    private readonly double[][][] _y;
    private readonly double[][][] _h;

    /// <param name="accumulated">F-OTPE (seed 002 3.2): the spec's loss on the leaky sum of the readout.</param>
    public OtpeBruteForce(SnnSpec spec, double[][] input, double[][] target, bool accumulated)
    {
        _spec = spec;
        _input = input;
        _target = target;
        bool ce = spec.Loss == LossKind.CrossEntropy;
        _outLeak = ce || accumulated ? spec.ReadoutLeak : 0;
        _warmup = ce ? spec.Warmup : 0;
        int layers = spec.Layers.Count;
        _v = new double[layers][][];
        _y = new double[layers][][];
        _h = new double[layers][][];
        RunForward();
    }

    /// <summary>Where the spatial signal crosses a layer: with ḡ (the reference's choice) or with h'_t.</summary>
    public bool SpatialWithAverage { get; init; } = true;

    private int Steps => _input.Length;

    private int Top => _spec.Layers.Count - 1;

    public double[][][] Spikes => _y;

    /// <summary>OTPE (or F-OTPE when constructed with accumulated) by explicit sums.</summary>
    public GradientReport Otpe() => Report(approx: false);

    /// <summary>Approx OTPE by explicit sums.</summary>
    public GradientReport ApproxOtpe() => Report(approx: true);

    private GradientReport Report(bool approx)
    {
        var (loss, delta) = LossAndDelta();
        var signals = LearningSignals(delta);
        var report = new GradientReport { Loss = loss };
        for (int l = 0; l <= Top; l++)
        {
            var (gW, gTheta) = approx ? ApproxLayer(l, signals[l]) : ExactTraceLayer(l, signals[l]);
            report.Add($"layers[{l}].W", gW);
            report.Add($"layers[{l}].threshold", gTheta);
        }

        if (_spec.Readout is not null)
        {
            report.Add("readout.W", ReadoutGradient(delta));
        }

        return report;
    }

    // ---- forward ----

    private void RunForward()
    {
        for (int l = 0; l <= Top; l++)
        {
            var layer = _spec.Layers[l];
            int n = layer.Size;
            var u = new double[n];      // LIF: membrane after reset; SNU: s_{t−1}(1 − y_{t−1})
            _v[l] = new double[Steps][];
            _y[l] = new double[Steps][];
            _h[l] = new double[Steps][];
            for (int t = 0; t < Steps; t++)
            {
                var x = In(l, t);
                _v[l][t] = new double[n];
                _y[l][t] = new double[n];
                _h[l][t] = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double v = (_spec.Decay * u[i]) + Dot(layer.W[i], x);
                    double theta = layer.Threshold[i];
                    double y = v - theta > 0 ? 1 : 0;
                    double r = 1 + (_spec.SurrogateSlope * Math.Abs(v - theta));
                    (_v[l][t][i], _y[l][t][i], _h[l][t][i]) = (v, y, 1 / (r * r));
                    u[i] = _spec.Neuron == NeuronKind.Lif ? v - (theta * y) : v * (1 - y);
                }
            }
        }
    }

    private double[] In(int l, int t) => l == 0 ? _input[t] : _y[l - 1][t];

    // ---- loss ----

    private (double Loss, double[][] Delta) LossAndDelta()
    {
        int outs = _spec.Outputs;
        var delta = new double[Steps][];
        double loss = 0;
        for (int t = 0; t < Steps; t++)
        {
            // o_t as an explicit leaky sum of the readout of every past step.
            var o = new double[outs];
            for (int tau = 0; tau <= t; tau++)
            {
                var r = Readout(_y[Top][tau]);
                double w = Math.Pow(_outLeak, t - tau);
                for (int c = 0; c < outs; c++)
                {
                    o[c] += w * r[c];
                }
            }

            (double e, delta[t]) = _spec.Loss == LossKind.CrossEntropy ? CrossEntropy(o, _target[t], t) : Mse(o, _target[t]);
            loss += e;
        }

        return (loss, delta);
    }

    private static (double, double[]) Mse(double[] o, double[] target)
    {
        var d = o.Select((v, c) => v - target[c]).ToArray();
        return (0.5 * d.Sum(v => v * v), d);
    }

    private (double, double[]) CrossEntropy(double[] o, double[] target, int t)
    {
        if (t < _warmup)
        {
            return (0, new double[o.Length]);
        }

        double max = o.Max();
        var p = o.Select(v => Math.Exp(v - max)).ToArray();
        double z = p.Sum();
        double loss = -target.Select((y, c) => y * Math.Log(p[c] / z)).Sum();
        return (loss, p.Select((v, c) => (v / z * target.Sum()) - target[c]).ToArray());
    }

    private double[] Readout(double[] y) => _spec.Readout is null ? y : _spec.Readout.W.Select(row => Dot(row, y)).ToArray();

    private double[][] ReadoutGradient(double[][] delta)
    {
        var w = _spec.Readout!.W;
        var g = w.Select(row => new double[row.Length]).ToArray();
        for (int t = 0; t < Steps; t++)
        {
            for (int tau = 0; tau <= t; tau++)
            {
                double k = Math.Pow(_outLeak, t - tau);
                for (int c = 0; c < g.Length; c++)
                {
                    for (int i = 0; i < g[c].Length; i++)
                    {
                        g[c][i] += delta[t][c] * k * _y[Top][tau][i];
                    }
                }
            }
        }

        return g;
    }

    // ---- learning signals: L^top_t = W_outᵀ δ_t, L^{l−1}_t = W^lᵀ (L^l_t ⊙ ḡ^l_t) ----

    private double[][][] LearningSignals(double[][] delta)
    {
        var signals = new double[Top + 1][][];
        signals[Top] = delta.Select(d => _spec.Readout is null ? (double[])d.Clone() : MulTransposed(_spec.Readout.W, d)).ToArray();
        for (int l = Top; l > 0; l--)
        {
            var w = _spec.Layers[l].W;
            int layer = l;
            signals[l - 1] = Enumerable.Range(0, Steps).Select(t =>
            {
                var factor = SpatialWithAverage ? SurrogateAverage(layer, t) : _h[layer][t];
                return MulTransposed(w, signals[layer][t].Select((s, i) => s * factor[i]).ToArray());
            }).ToArray();
        }

        return signals;
    }

    private double Kappa(int l) => l == Top ? _outLeak : _spec.Decay;

    /// <summary>ḡ^l_t = Σ_{τ≤t} κ^{t−τ} h'_τ / Σ_{τ≤t} κ^{t−τ}, summed afresh.</summary>
    private double[] SurrogateAverage(int l, int t)
    {
        int n = _spec.Layers[l].Size;
        var sum = new double[n];
        double weight = 0;
        for (int tau = 0; tau <= t; tau++)
        {
            double k = Math.Pow(Kappa(l), t - tau);
            weight += k;
            for (int i = 0; i < n; i++)
            {
                sum[i] += k * _h[l][tau][i];
            }
        }

        return sum.Select(s => s / weight).ToArray();
    }

    // ---- OTPE: R̂ from products of Jacobians ----

    /// <summary>∂v_u/∂v_{u−1} of one neuron, through the leak and the reset (surrogate for H').</summary>
    private double Jacobian(int l, int u, int i)
    {
        if (u == 0)
        {
            return 0;
        }

        double d = _spec.Decay, v = _v[l][u - 1][i], y = _y[l][u - 1][i], h = _h[l][u - 1][i];
        double theta = _spec.Layers[l].Threshold[i];
        // LIF: v_u = λ (v − θ H(v − θ)) + W x.  SNU: s_u = W x + d s (1 − H(s − θ)).
        return _spec.Neuron == NeuronKind.Lif ? d * (1 - (theta * h)) : (d * (1 - y)) - (d * v * h);
    }

    /// <summary>∂v_u/∂θ with v_{u−1} held fixed (the reset's dependence on θ).</summary>
    private double ThresholdSource(int l, int u, int i)
    {
        if (u == 0)
        {
            return 0;
        }

        double d = _spec.Decay, v = _v[l][u - 1][i], y = _y[l][u - 1][i], h = _h[l][u - 1][i];
        double theta = _spec.Layers[l].Threshold[i];
        return _spec.Neuron == NeuronKind.Lif ? d * ((theta * h) - y) : d * v * h;
    }

    /// <summary>Π_{u=τ+1..t} ∂v_u/∂v_{u−1}, multiplied out afresh for every pair.</summary>
    private double[][] Propagators(int l, int i)
    {
        var p = new double[Steps][];
        for (int t = 0; t < Steps; t++)
        {
            p[t] = new double[t + 1];
            for (int tau = 0; tau <= t; tau++)
            {
                double prod = 1;
                for (int u = tau + 1; u <= t; u++)
                {
                    prod *= Jacobian(l, u, i);
                }

                p[t][tau] = prod;
            }
        }

        return p;
    }

    private (double[][] W, double[] Theta) ExactTraceLayer(int l, double[][] signal)
    {
        var layer = _spec.Layers[l];
        var gW = layer.W.Select(row => new double[row.Length]).ToArray();
        var gTheta = new double[layer.Size];
        for (int i = 0; i < layer.Size; i++)
        {
            var p = Propagators(l, i);
            for (int j = 0; j < layer.FanIn; j++)
            {
                // ∂y_τ/∂W_ij = h'_τ Σ_{s≤τ} P(τ, s) x_s[j]
                var dy = Enumerable.Range(0, Steps).Select(tau =>
                    _h[l][tau][i] * Enumerable.Range(0, tau + 1).Sum(s => p[tau][s] * In(l, s)[j])).ToArray();
                gW[i][j] = Contract(signal, i, Filter(dy, Kappa(l)));
            }

            // ∂y_τ/∂θ_i = h'_τ (Σ_{s≤τ} P(τ, s) c_s − 1)
            var dyTheta = Enumerable.Range(0, Steps).Select(tau =>
                _h[l][tau][i] * (Enumerable.Range(0, tau + 1).Sum(s => p[tau][s] * ThresholdSource(l, s, i)) - 1)).ToArray();
            gTheta[i] = Contract(signal, i, Filter(dyTheta, Kappa(l)));
        }

        return (gW, gTheta);
    }

    // ---- Approx OTPE: ẑ from â, both as explicit sums ----

    private (double[][] W, double[] Theta) ApproxLayer(int l, double[][] signal)
    {
        var layer = _spec.Layers[l];
        var gW = layer.W.Select(row => new double[row.Length]).ToArray();
        var gTheta = new double[layer.Size];
        var gBar = Enumerable.Range(0, Steps).Select(t => SurrogateAverage(l, t)).ToArray();
        for (int j = 0; j < layer.FanIn; j++)
        {
            var a = Filter(Enumerable.Range(0, Steps).Select(t => In(l, t)[j]).ToArray(), _spec.Decay);
            var z = Filter(a, Kappa(l));
            for (int i = 0; i < layer.Size; i++)
            {
                gW[i][j] = Enumerable.Range(0, Steps).Sum(t => signal[t][i] * gBar[t][i] * z[t]);
            }
        }

        for (int i = 0; i < layer.Size; i++)
        {
            // OTTT's H' = 0 path for θ: q_t = Σ_{s≤t} d^{t−s} (−d y_{s−1}) for the LIF, 0 for the SNU.
            int neuron = i;
            var direct = Enumerable.Range(0, Steps).Select(s =>
                s == 0 || _spec.Neuron == NeuronKind.Snu ? 0 : -_spec.Decay * _y[l][s - 1][neuron]).ToArray();
            var q = Filter(direct, _spec.Decay);
            var zTheta = Filter(q.Select(v => v - 1).ToArray(), Kappa(l));
            gTheta[i] = Enumerable.Range(0, Steps).Sum(t => signal[t][neuron] * gBar[t][neuron] * zTheta[t]);
        }

        return (gW, gTheta);
    }

    // ---- helpers ----

    /// <summary>f_t = Σ_{τ≤t} k^{t−τ} x_τ, summed afresh for every t.</summary>
    private static double[] Filter(double[] x, double k) =>
        Enumerable.Range(0, x.Length).Select(t => Enumerable.Range(0, t + 1).Sum(tau => Math.Pow(k, t - tau) * x[tau])).ToArray();

    private static double Contract(double[][] signal, int i, double[] trace) =>
        Enumerable.Range(0, trace.Length).Sum(t => signal[t][i] * trace[t]);

    private static double Dot(double[] a, double[] b) => a.Select((v, k) => v * b[k]).Sum();

    private static double[] MulTransposed(double[][] w, double[] s)
    {
        var r = new double[w[0].Length];
        for (int k = 0; k < w.Length; k++)
        {
            for (int i = 0; i < r.Length; i++)
            {
                r[i] += w[k][i] * s[k];
            }
        }

        return r;
    }
}
