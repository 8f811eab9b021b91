using System.Numerics.Tensors;

namespace OnlineLearning.Baselines;

/// <summary>
/// A float32 feed-forward LIF network learning with OSTL (seed 000 Eq. 11-19) and immediate updates: per synapse an
/// eligibility ε = D ε + x, the weight update −lr (L ⊙ h') ⊗ ε fused with the trace pass, a leaky-integrated
/// readout with softmax cross-entropy. Row-wise TensorPrimitives kernels; 8 bytes per synapse (W and ε).
/// </summary>
public sealed class Float32OstlNetwork
{
    private const float Decay = 0.8f, ReadoutLeak = 0.9f, Slope = 25f, LearningRate = 1f / 1024;
    private readonly int[] _sizes;
    private readonly float[][] _w, _eps, _v, _y, _h, _theta, _signal, _pre, _d;
    private readonly float[] _wOut, _outTrace, _out, _error, _expScratch;
    private readonly int _outputs;

    public Float32OstlNetwork(int inputs, int[] hidden, int outputs, int seed)
    {
        var random = new Random(seed);
        _sizes = [inputs, .. hidden];
        int layers = hidden.Length;
        _w = new float[layers][];
        _eps = new float[layers][];
        _v = new float[layers][];
        _y = new float[layers][];
        _h = new float[layers][];
        _theta = new float[layers][];
        _signal = new float[layers][];
        _pre = new float[layers][];
        _d = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            int n = _sizes[l + 1], m = _sizes[l];
            _w[l] = Enumerable.Range(0, n * m).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(m))).ToArray();
            _eps[l] = new float[n * m];
            _v[l] = new float[n];
            _y[l] = new float[n];
            _h[l] = new float[n];
            _theta[l] = Enumerable.Repeat(1f, n).ToArray();
            _signal[l] = new float[n];
            _pre[l] = new float[n];
            _d[l] = new float[n];
        }

        _outputs = outputs;
        _wOut = Enumerable.Range(0, outputs * hidden[^1]).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(hidden[^1]))).ToArray();
        _outTrace = new float[hidden[^1]];
        _out = new float[outputs];
        _error = new float[outputs];
        _expScratch = new float[outputs];
    }

    /// <summary>Bytes of learning state per synapse of the hidden layers (W and ε in float32).</summary>
    public static int BytesPerSynapse => 8;

    public long StateBytes => (_w.Sum(w => (long)w.Length) * 2 + _wOut.Length + _outTrace.Length) * sizeof(float);

    /// <summary>One online step with immediate updates; returns the cross-entropy loss.</summary>
    public float Step(ReadOnlySpan<float> input, int label)
    {
        ReadOnlySpan<float> x = input;
        for (int l = 0; l < _w.Length; l++)
        {
            Forward(l, x);
            x = _y[l];
        }

        // o = leak o + W_out y; e = softmax(o) − onehot; ∂o/∂W_out through a leaky trace of y.
        int top = _sizes[^1];
        TensorPrimitives.MultiplyAdd(_outTrace, ReadoutLeak, x, _outTrace);
        for (int k = 0; k < _outputs; k++)
        {
            _out[k] = (ReadoutLeak * _out[k]) + TensorPrimitives.Dot(_wOut.AsSpan(k * top, top), x);
        }

        TensorPrimitives.SoftMax(_out, _error);
        float loss = -MathF.Log(MathF.Max(_error[label], 1e-30f));
        _error[label] -= 1;

        // L_top = W_outᵀ e, then the readout update −lr e ⊗ trace.
        var signal = _signal[^1];
        Array.Clear(signal);
        for (int k = 0; k < _outputs; k++)
        {
            TensorPrimitives.MultiplyAdd(_wOut.AsSpan(k * top, top), _error[k], signal, signal);
            TensorPrimitives.MultiplyAdd(_outTrace, -LearningRate * _error[k], _wOut.AsSpan(k * top, top), _wOut.AsSpan(k * top, top));
        }

        for (int l = _w.Length - 1; l >= 0; l--)
        {
            Learn(l, l == 0 ? input : _y[l - 1]);
        }

        return loss;
    }

    private void Forward(int l, ReadOnlySpan<float> x)
    {
        int n = _sizes[l + 1], m = _sizes[l];
        float[] v = _v[l], y = _y[l], h = _h[l], theta = _theta[l], pre = _pre[l], d = _d[l];
        for (int i = 0; i < n; i++)
        {
            // D = λ (1 − θ h'_{t−1}) from the previous step (LIF with subtractive reset).
            d[i] = Decay * (1 - (theta[i] * h[i]));
            pre[i] = TensorPrimitives.Dot(_w[l].AsSpan(i * m, m), x);
        }

        for (int i = 0; i < n; i++)
        {
            v[i] = (Decay * (v[i] - (theta[i] * y[i]))) + pre[i];
            float u = v[i] - theta[i];
            y[i] = u > 0 ? 1 : 0;
            float s = 1 + (Slope * MathF.Abs(u));
            h[i] = 1 / (s * s);
        }
    }

    // ε_i = D_i ε_i + x and W_i −= lr (L_i h'_i) ε_i in one pass per row; L_{l−1} = W_lᵀ (L_l ⊙ h'_l).
    private void Learn(int l, ReadOnlySpan<float> x)
    {
        int n = _sizes[l + 1], m = _sizes[l];
        float[] w = _w[l], eps = _eps[l], signal = _signal[l], h = _h[l], d = _d[l];
        float[]? below = l > 0 ? _signal[l - 1] : null;
        if (below is not null)
        {
            Array.Clear(below);
        }

        for (int i = 0; i < n; i++)
        {
            var epsRow = eps.AsSpan(i * m, m);
            var wRow = w.AsSpan(i * m, m);
            float lh = signal[i] * h[i];
            TensorPrimitives.MultiplyAdd(epsRow, d[i], x, epsRow);
            if (below is not null && lh != 0)
            {
                TensorPrimitives.MultiplyAdd(wRow, lh, below, below);
            }

            TensorPrimitives.MultiplyAdd(epsRow, -LearningRate * lh, wRow, wRow);
        }
    }
}
