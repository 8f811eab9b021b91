using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// OTTT (seed 002 2.3.2) and Approx OTPE (seed 002 3.1, Eq. 5), which keep O(n) traces per layer:
///   â_t = λ â_{t−1} + x_t                 (OTTT: the temporal path with H' = 0, so dσ_t/dσ_{t−1} = λ; d for the SNU)
///   ẑ_t = â_t + κ ẑ_{t−1}                 (Approx OTPE; κ = 0 gives ẑ = â)
///   ΔW += (L_t ⊙ ḡ_t) ⊗ ẑ_t               (Eq. 5; with κ = 0, ḡ_t = h'_t and this is OTTT's L_t h'_t ⊗ â_t)
/// The threshold (our choice; the seed defines none): the same H' = 0 temporal path applied to θ. σ_t depends on
/// θ directly only through the LIF's reset term −λθ y_{t−1}, so q_t = λ q_{t−1} − λ y_{t−1} ≈ dσ_t/dθ (q = 0 for
/// the SNU), the "presynaptic" factor of ∂y_t/∂θ = h'_t (q_t − 1) is c_t = q_t − 1, and it is filtered like â:
/// ẑ^θ_t = c_t + κ ẑ^θ_{t−1}, Δθ += L_t ⊙ ḡ_t ⊙ ẑ^θ_t.
/// </summary>
internal static class PresynapticRule
{
    public static SnnGradientSet Gradients(SnnSpec spec, SnnTrajectory run, SnnObjective objective, double[][] delta, RuleShape shape)
    {
        var grads = new SnnGradientSet(spec);
        var traces = spec.Layers.Select((layer, l) => new Trace(layer, spec.Decay, shape.PostLeak[l])).ToArray();
        int top = spec.Layers.Count - 1;
        for (int t = 0; t < run.Steps; t++)
        {
            for (int l = 0; l <= top; l++)
            {
                traces[l].Step(spec, run, l, t);
            }

            var signal = objective.Back(delta[t], spec.Layers[top].Size);
            for (int l = top; l >= 0; l--)
            {
                traces[l].Accumulate(signal, grads.W[l], grads.Threshold[l]);
                if (l > 0)
                {
                    signal = SpatialSignal.Down(spec.Layers[l], signal, traces[l].Average.Value);
                }
            }
        }

        grads.AddReadout(objective, run, delta);
        return grads;
    }

    /// <summary>One layer's â, ẑ and ḡ; also driven step by step by <see cref="SnnImmediateTrainer"/>.</summary>
    internal sealed class Trace : ILayerTrace
    {
        private readonly double _decay;
        private readonly double _leak;
        private readonly double[] _a;
        private readonly double[] _z;
        private readonly double[] _q;
        private readonly double[] _zTheta;

        public Trace(SnnLayerSpec layer, double decay, double postLeak)
        {
            _decay = decay;
            _leak = postLeak;
            _a = new double[layer.FanIn];
            _z = new double[layer.FanIn];
            _q = new double[layer.Size];
            _zTheta = new double[layer.Size];
            Average = new SurrogateAverage(layer.Size, postLeak);
        }

        public SurrogateAverage Average { get; }

        public void Step(SnnSpec spec, SnnTrajectory run, int l, int t)
        {
            var x = run.LayerInput(l, t);
            for (int j = 0; j < x.Length; j++)
            {
                _a[j] = (_decay * _a[j]) + x[j];
                _z[j] = _a[j] + (_leak * _z[j]);
            }

            for (int i = 0; i < _q.Length; i++)
            {
                _q[i] = (_decay * _q[i]) + NeuronPartials.At(spec, run, l, t, i).DThreshold;
                _zTheta[i] = (_q[i] - 1) + (_leak * _zTheta[i]);
            }

            Average.Add(run.Surrogate[l][t]);
        }

        public void Accumulate(double[] signal, double[][] gW, double[] gTheta)
        {
            for (int i = 0; i < gW.Length; i++)
            {
                double s = signal[i] * Average.Value[i];
                for (int j = 0; j < _z.Length; j++)
                {
                    gW[i][j] += s * _z[j];
                }

                gTheta[i] += s * _zTheta[i];
            }
        }
    }
}
