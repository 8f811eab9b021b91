using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// OSTL (seed 000 Eq. 11-16, 18-19, Algorithm 1) and OTPE (seed 002 Eq. 3-4), which share a per-synapse trace.
/// Per layer, step by step (reading only steps t and t−1 of the trajectory):
///   ε^W_t = (dσ_t/dσ_{t−1}) ε^W_{t−1} + 1 ⊗ x_t          (seed 000 Eq. 14, dσ/dσ from Eq. 16)
///   ε^θ_t = (dσ_t/dσ_{t−1}) ε^θ_{t−1} + ∂σ_t/∂θ           (seed 000 Eq. 15)
///   e^W_t = h'_t ε^W_t,  e^θ_t = h'_t (ε^θ_t − 1)         (seed 000 Eq. 12-13, ∂y/∂θ = −h')
///   R̂_t  = e_t + κ R̂_{t−1}                                 (seed 002 Eq. 4; κ = 0 gives OSTL's e_t)
///   ΔW += L_t ⊙ R̂_t, Δθ += L_t ⊙ R̂^θ_t, with L the learning signal (seed 000 Eq. 11, 18-19).
/// </summary>
internal static class EligibilityRule
{
    public static SnnGradientSet Gradients(SnnSpec spec, SnnTrajectory run, SnnObjective objective, double[][] delta, RuleShape shape)
    {
        var grads = new SnnGradientSet(spec);
        var traces = spec.Layers.Select((layer, l) => new Trace(layer, shape.PostLeak[l])).ToArray();
        int top = spec.Layers.Count - 1;
        for (int t = 0; t < run.Steps; t++)
        {
            for (int l = 0; l <= top; l++)
            {
                traces[l].Step(spec, run, l, t);
            }

            var signal = objective.Back(delta[t], spec.Layers[top].Size);   // seed 000 Eq. 19
            for (int l = top; l >= 0; l--)
            {
                traces[l].Accumulate(signal, grads.W[l], grads.Threshold[l]);
                if (l > 0)
                {
                    var factor = shape.Averaged ? traces[l].Average.Value : run.Surrogate[l][t];
                    signal = SpatialSignal.Down(spec.Layers[l], signal, factor);
                }
            }
        }

        grads.AddReadout(objective, run, delta);
        return grads;
    }

    /// <summary>One layer's ε, R̂ and ḡ; also driven step by step by <see cref="SnnImmediateTrainer"/>.</summary>
    internal sealed class Trace : ILayerTrace
    {
        private readonly double _leak;
        private readonly double[][] _epsW;
        private readonly double[] _epsTheta;
        private readonly double[][] _r;
        private readonly double[] _rTheta;

        public Trace(SnnLayerSpec layer, double postLeak)
        {
            _leak = postLeak;
            _epsW = Enumerable.Range(0, layer.Size).Select(_ => new double[layer.FanIn]).ToArray();
            _epsTheta = new double[layer.Size];
            _r = Enumerable.Range(0, layer.Size).Select(_ => new double[layer.FanIn]).ToArray();
            _rTheta = new double[layer.Size];
            Average = new SurrogateAverage(layer.Size, postLeak);
        }

        public SurrogateAverage Average { get; }

        public void Step(SnnSpec spec, SnnTrajectory run, int l, int t)
        {
            var x = run.LayerInput(l, t);
            var h = run.Surrogate[l][t];
            for (int i = 0; i < _epsW.Length; i++)
            {
                double prevH = t == 0 ? 0 : run.Surrogate[l][t - 1][i];
                var p = NeuronPartials.At(spec, run, l, t, i);
                double a = p.Total(prevH);
                for (int j = 0; j < x.Length; j++)
                {
                    _epsW[i][j] = (a * _epsW[i][j]) + x[j];
                    _r[i][j] = (h[i] * _epsW[i][j]) + (_leak * _r[i][j]);
                }

                _epsTheta[i] = (a * _epsTheta[i]) + p.ThresholdSource(prevH);
                _rTheta[i] = (h[i] * (_epsTheta[i] - 1)) + (_leak * _rTheta[i]);
            }

            Average.Add(h);
        }

        public void Accumulate(double[] signal, double[][] gW, double[] gTheta)
        {
            for (int i = 0; i < _r.Length; i++)
            {
                for (int j = 0; j < _r[i].Length; j++)
                {
                    gW[i][j] += signal[i] * _r[i][j];
                }

                gTheta[i] += signal[i] * _rTheta[i];
            }
        }
    }
}
