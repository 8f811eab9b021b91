namespace OnlineLearning.Numerics.Kernels;

/// <summary>
/// The scalar kernels: plain loops over <see cref="QMath"/>. This is the specification every SIMD
/// backend is tested against, and the tail loop the SIMD backends finish with.
/// </summary>
public partial class ScalarKernels : QKernels
{
    public override Backend Backend => Backend.Scalar;

    protected override void AddCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) => Scalar.Add(x, y, dst);

    protected override void SubtractCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst) => Scalar.Subtract(x, y, dst);

    protected override void AddCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst) => Scalar.Add(x, y, dst);

    protected override void SubtractCore(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst) => Scalar.Subtract(x, y, dst);

    protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst) => Scalar.ScaleQ15(x, scale, dst);

    protected override void ClampCore(ReadOnlySpan<short> x, short lo, short hi, Span<short> dst) => Scalar.Clamp(x, lo, hi, dst);

    protected override void NarrowRoundCore(ReadOnlySpan<int> x, int shift, Span<short> dst) => Scalar.NarrowRound(x, shift, dst);

    protected override long DotCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y) => Scalar.Dot(x, y);

    protected override int DotInt32Core(ReadOnlySpan<short> x, ReadOnlySpan<short> y) => Scalar.DotInt32(x, y);

    protected override void AddWidenCore(ReadOnlySpan<short> x, Span<int> acc) => Scalar.AddWiden(x, acc);

    protected override void TraceRowCore(Span<short> e, short a, ReadOnlySpan<short> x) => Scalar.TraceRow(e, a, x);

    protected override void TraceAccumulateRowCore(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g) =>
        Scalar.TraceAccumulateRow(e, a, x, c, shift, g);

    protected override void Rank1StochasticRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes) =>
        Scalar.Rank1StochasticRow(w, u, v, shift, rngLanes, 0);

    protected override void Rank1NearestRowCore(Span<short> w, short u, ReadOnlySpan<short> v, int shift) => Scalar.Rank1NearestRow(w, u, v, shift);

    protected override void ComplexMultiplyAccumulateCore(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm, Span<int> accRe, Span<int> accIm) =>
        Scalar.ComplexMultiplyAccumulate(aRe, aIm, bRe, bIm, accRe, accIm);

    protected override void ThresholdCore(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes) => Scalar.Threshold(v, theta, spikes);
}

/// <summary>
/// Static scalar loops. The SIMD backends call these for the elements their vector bodies leave over,
/// passing the slices that remain, so a tail is computed by the specification itself.
/// </summary>
internal static partial class Scalar
{
    public static void Add(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = QMath.AddSat(x[i], y[i]);
        }
    }

    public static void Subtract(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = QMath.SubSat(x[i], y[i]);
        }
    }

    public static void Add(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = QMath.AddSat(x[i], y[i]);
        }
    }

    public static void Subtract(ReadOnlySpan<int> x, ReadOnlySpan<int> y, Span<int> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = QMath.SubSat(x[i], y[i]);
        }
    }

    public static void ScaleQ15(ReadOnlySpan<short> x, short scale, Span<short> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = QMath.MulQ15(x[i], scale);
        }
    }

    public static void Clamp(ReadOnlySpan<short> x, short lo, short hi, Span<short> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = QMath.Clamp(x[i], lo, hi);
        }
    }

    public static void NarrowRound(ReadOnlySpan<int> x, int shift, Span<short> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = QMath.NarrowRound(x[i], shift);
        }
    }

    public static long Dot(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        long sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += QMath.Mul(x[i], y[i]);
        }

        return sum;
    }

    public static int DotInt32(ReadOnlySpan<short> x, ReadOnlySpan<short> y)
    {
        int sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum = unchecked(sum + QMath.Mul(x[i], y[i]));
        }

        return sum;
    }

    public static void AddWiden(ReadOnlySpan<short> x, Span<int> acc)
    {
        for (int i = 0; i < acc.Length; i++)
        {
            acc[i] = unchecked(acc[i] + x[i]);
        }
    }

    public static void TraceRow(Span<short> e, short a, ReadOnlySpan<short> x)
    {
        for (int j = 0; j < e.Length; j++)
        {
            e[j] = QMath.AddSat(QMath.MulQ15(a, e[j]), x[j]);
        }
    }

    public static void TraceAccumulateRow(Span<short> e, short a, ReadOnlySpan<short> x, short c, int shift, Span<int> g)
    {
        for (int j = 0; j < e.Length; j++)
        {
            short updated = QMath.AddSat(QMath.MulQ15(a, e[j]), x[j]);
            e[j] = updated;
            g[j] = QMath.AddSat(g[j], QMath.ShiftRightRound(QMath.Mul(c, updated), shift));
        }
    }

    /// <param name="firstColumn">Column index of <c>w[0]</c> in the full row, which picks the generator lanes.</param>
    public static void Rank1StochasticRow(Span<short> w, short u, ReadOnlySpan<short> v, int shift, Span<uint> rngLanes, int firstColumn)
    {
        for (int j = 0; j < w.Length; j++)
        {
            uint draw = StochasticRounding.Next(ref rngLanes[(firstColumn + j) % StochasticRounding.Lanes]);
            int delta = (QMath.Mul(u, v[j]) + StochasticRounding.Offset(draw, shift)) >> shift;
            w[j] = QMath.SaturateToInt16(w[j] + delta);
        }
    }

    public static void Rank1NearestRow(Span<short> w, short u, ReadOnlySpan<short> v, int shift)
    {
        for (int j = 0; j < w.Length; j++)
        {
            w[j] = QMath.SaturateToInt16(w[j] + QMath.ShiftRightRound(QMath.Mul(u, v[j]), shift));
        }
    }

    public static void ComplexMultiplyAccumulate(
        ReadOnlySpan<short> aRe, ReadOnlySpan<short> aIm, ReadOnlySpan<short> bRe, ReadOnlySpan<short> bIm, Span<int> accRe, Span<int> accIm)
    {
        for (int i = 0; i < accRe.Length; i++)
        {
            accRe[i] = QMath.SubSat(QMath.AddSat(accRe[i], QMath.Mul(aRe[i], bRe[i])), QMath.Mul(aIm[i], bIm[i]));
            accIm[i] = QMath.AddSat(QMath.AddSat(accIm[i], QMath.Mul(aRe[i], bIm[i])), QMath.Mul(aIm[i], bRe[i]));
        }
    }

    public static void Threshold(ReadOnlySpan<short> v, ReadOnlySpan<short> theta, Span<byte> spikes)
    {
        for (int i = 0; i < spikes.Length; i++)
        {
            spikes[i] = v[i] > theta[i] ? (byte)1 : (byte)0;
        }
    }
}
