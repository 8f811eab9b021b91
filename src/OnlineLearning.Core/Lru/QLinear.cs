using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// The LRU stack's encoder or decoder, y = W x, in the LRU formats: Q11 activations, Q24 int32 errors (the
/// shared int16-error dense layer would round the small errors of a deep stack away), Q20 gradient sums.
/// </summary>
internal sealed class QLinear
{
    private readonly int _rows;
    private readonly int _cols;
    private readonly int[] _master;
    private readonly short[] _w;
    private readonly int[] _grad;
    private readonly int[] _wide;
    private readonly long[] _acc;

    public QLinear(double[][] w)
    {
        _rows = w.Length;
        _cols = w[0].Length;
        _master = w.SelectMany(r => r).Select(v => ToInt32(v, MasterFrac)).ToArray();
        _w = new short[_master.Length];
        _grad = new int[_master.Length];
        _wide = new int[_rows];
        _acc = new long[_cols];
        Refresh();
    }

    public long Saturations { get; private set; }

    /// <summary>y = W x in Q11.</summary>
    public void Forward(QKernels k, ReadOnlySpan<short> x, Span<short> y)
    {
        k.MatVec(_w, _rows, _cols, x, 0, _wide);
        k.NarrowRound(_wide, WeightFrac, y);
    }

    /// <summary>y = W x in Q24 (the network output).</summary>
    public void ForwardWide(QKernels k, ReadOnlySpan<short> x, Span<int> y)
    {
        k.MatVec(_w, _rows, _cols, x, 0, _wide);
        for (int i = 0; i < _rows; i++)
        {
            y[i] = QMath.ShiftLeftSat(_wide[i], ErrorFrac - WeightFrac - ActFrac);
        }
    }

    /// <summary>dx = Wᵀ dy (Q24).</summary>
    public void Backward(ReadOnlySpan<int> dy, Span<int> dx)
    {
        Array.Clear(_acc);
        for (int i = 0; i < _rows; i++)
        {
            long d = dy[i];
            ReadOnlySpan<short> row = _w.AsSpan(i * _cols, _cols);
            for (int j = 0; j < _cols; j++)
            {
                _acc[j] += d * row[j];
            }
        }

        for (int j = 0; j < _cols; j++)
        {
            dx[j] = QMath.SaturateToInt32(QMath.ShiftRightRound(_acc[j], WeightFrac));
        }
    }

    /// <summary>dW += dy ⊗ x (Q24 by Q11 into Q20).</summary>
    public void Accumulate(ReadOnlySpan<int> dy, ReadOnlySpan<short> x)
    {
        long sat = 0;
        for (int i = 0; i < _rows; i++)
        {
            long d = dy[i];
            Span<int> g = _grad.AsSpan(i * _cols, _cols);
            for (int j = 0; j < _cols; j++)
            {
                long sum = g[j] + QMath.ShiftRightRound(d * x[j], ErrorFrac + ActFrac - GradFrac);
                g[j] = QMath.SaturateToInt32(sum);
                sat += g[j] == sum ? 0 : 1;
            }
        }

        Saturations += sat;
    }

    /// <summary>master −= grad · 2^(MasterFrac − GradFrac − shift), then the gradient sum restarts.</summary>
    public void Update(int shift)
    {
        LruUpdate.Apply(_master, _grad, shift);
        Refresh();
    }

    public void Export(Gradients.GradientReport report, string name)
    {
        var m = new double[_rows][];
        for (int i = 0; i < _rows; i++)
        {
            m[i] = new double[_cols];
            for (int j = 0; j < _cols; j++)
            {
                m[i][j] = ToDouble(_grad[(i * _cols) + j], GradFrac);
            }
        }

        report.Add(name, m);
    }

    private void Refresh()
    {
        for (int i = 0; i < _master.Length; i++)
        {
            _w[i] = QMath.NarrowRound(_master[i], MasterFrac - WeightFrac);
        }
    }
}

/// <summary>The plain SGD step of the LRU runtime (round to nearest; the gradient sums restart at zero).</summary>
internal static class LruUpdate
{
    public static void Apply(int[] master, int[] grad, int shift)
    {
        int s = shift - (MasterFrac - GradFrac);
        for (int i = 0; i < master.Length; i++)
        {
            long delta = s >= 0 ? QMath.ShiftRightRound((long)grad[i], s) : (long)grad[i] << -s;
            master[i] = QMath.SaturateToInt32(master[i] - delta);
            grad[i] = 0;
        }
    }

    public static int Apply(int master, long grad, int shift) =>
        QMath.SaturateToInt32(master - QMath.ShiftRightRound(grad, shift - (MasterFrac - LogGradFrac)));
}
