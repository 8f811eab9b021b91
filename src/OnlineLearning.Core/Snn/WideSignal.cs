using System.Numerics;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Core.Snn;

/// <summary>
/// The bridge between the int32 learning signals (<see cref="SnnFormats.SignalFrac"/>,
/// <see cref="SnnFormats.ScaledSignalFrac"/>) and the int16 row kernels, which take one int16 coefficient per row.
/// Each row's coefficient is cut to a 15-bit mantissa with its own exponent (a per-row block exponent), so a signal
/// many orders of magnitude below 1, as reaches the first layer of a deep network, keeps 15 significant bits.
/// </summary>
internal static class WideSignal
{
    /// <summary>
    /// value · 2^−frac ≈ mantissa · 2^−mantissaFrac, with |mantissa| &lt; 2^15 when the value allows it and
    /// mantissaFrac ≥ minFrac (a larger value saturates the mantissa: the kernels need a non-negative shift).
    /// Dropped bits are rounded to nearest, ties up; a round-up to 2^15 saturates (one mantissa LSB).
    /// </summary>
    public static short Normalise(int value, int frac, int minFrac, out int mantissaFrac)
    {
        uint magnitude = value < 0 ? (uint)-(long)value : (uint)value;
        int bits = 32 - BitOperations.LeadingZeroCount(magnitude);
        int drop = Math.Clamp(bits - 15, 0, frac - minFrac);
        mantissaFrac = frac - drop;
        return QMath.SaturateToInt16(QMath.ShiftRightRound(value, drop));
    }

    /// <summary>dst[i] = sat32(round(signal[i] · g[i])): an int32 signal times a Q15 factor, from format inFrac to outFrac.
    /// Returns the number of saturated elements.</summary>
    public static int Multiply(ReadOnlySpan<int> signal, ReadOnlySpan<short> q15, int inFrac, int outFrac, Span<int> dst)
    {
        int shift = inFrac + 15 - outFrac;
        int saturations = 0;
        for (int i = 0; i < dst.Length; i++)
        {
            long product = QMath.ShiftRightRound((long)signal[i] * q15[i], shift);
            saturations += product is > int.MaxValue or < int.MinValue ? 1 : 0;
            dst[i] = QMath.SaturateToInt32(product);
        }

        return saturations;
    }

    /// <summary>
    /// One row of e = a e + x with g += c · e (the updated e) into the <see cref="SnnFormats.GradientFrac"/>
    /// accumulator, c being an int32 coefficient with cFrac fractional bits and e in traceFrac.
    /// </summary>
    public static void TraceRow(QKernels k, Span<short> e, short a, ReadOnlySpan<short> x, int c, int cFrac, int traceFrac, Span<int> g)
    {
        short m = Normalise(c, cFrac, SnnFormats.GradientFrac - traceFrac, out int f);
        k.TraceUpdateAccumulate(e, 1, e.Length, new ReadOnlySpan<short>(in a), x, new ReadOnlySpan<short>(in m), f + traceFrac - SnnFormats.GradientFrac, g);
    }

    /// <summary>
    /// <see cref="TraceRow"/> for row i of a weight matrix under immediate SGD: the gradient row goes straight into
    /// the update (<see cref="SgdRows.Row"/>) with the same mantissa and shift, so the weights match the accumulating path.
    /// </summary>
    public static void TraceRowUpdate(in SgdRows rows, int i, Span<short> e, short a, ReadOnlySpan<short> x, int c, int cFrac, int traceFrac)
    {
        short m = Normalise(c, cFrac, SnnFormats.GradientFrac - traceFrac, out int f);
        rows.Row(i, e, a, x, m, f + traceFrac - SnnFormats.GradientFrac);
    }

    /// <summary>g[i, j] += c[i] · v[j] (c int32 in cFrac, v int16 in vFrac, g in the gradient format). Rows with c = 0 are skipped.</summary>
    public static void OuterAccumulate(QKernels k, ReadOnlySpan<int> c, int cFrac, ReadOnlySpan<short> v, int vFrac, Span<int> g, Span<short> scratch)
    {
        int cols = v.Length;
        for (int i = 0; i < c.Length; i++)
        {
            if (c[i] != 0)
            {
                TraceRow(k, scratch, 0, v, c[i], cFrac, vFrac, g.Slice(i * cols, cols));
            }
        }
    }

    /// <summary>
    /// acc[j] = Σ_i w[i, j] · c[i] (w int16 in wFrac, c int32 in cFrac, acc int32 in accFrac, cleared first):
    /// Wᵀ c. Returns the number of elements at the int32 rails (saturated).
    /// </summary>
    public static int TransposedProduct(QKernels k, ReadOnlySpan<short> w, int wFrac, ReadOnlySpan<int> c, int cFrac, Span<int> acc, int accFrac, Span<short> scratch)
    {
        int cols = acc.Length;
        Shapes.Matrix(w.Length, c.Length, cols);
        acc.Clear();
        ReadOnlySpan<short> zero = [0];
        for (int i = 0; i < c.Length; i++)
        {
            if (c[i] != 0)
            {
                short m = Normalise(c[i], cFrac, accFrac - wFrac, out int f);
                k.TraceUpdateAccumulate(scratch, 1, cols, zero, w.Slice(i * cols, cols), new ReadOnlySpan<short>(in m), f + wFrac - accFrac, acc);
            }
        }

        int saturations = 0;
        foreach (int v in acc)
        {
            saturations += v is int.MaxValue or int.MinValue ? 1 : 0;
        }

        return saturations;
    }

    /// <summary>g[i] += round(c[i] · b[i] / 2^(cFrac + bFrac − GradientFrac)): a per-neuron product into the accumulator.</summary>
    public static void AccumulateProduct(Span<int> g, ReadOnlySpan<int> c, int cFrac, ReadOnlySpan<short> b, int bFrac)
    {
        int shift = cFrac + bFrac - SnnFormats.GradientFrac;
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = QMath.AddSat(g[i], QMath.SaturateToInt32(QMath.ShiftRightRound((long)c[i] * b[i], shift)));
        }
    }
}
