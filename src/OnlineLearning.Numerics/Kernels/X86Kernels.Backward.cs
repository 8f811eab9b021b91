using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using static OnlineLearning.Numerics.Kernels.VectorIO;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>AVX2 body of the transposed product (without AVX2 the specification runs).</summary>
public sealed partial class X86Kernels
{
    /// <summary>
    /// Sixteen columns at a time: their int64 sums stay in four registers while the rows stream past; each row
    /// adds VPMULDQ(VPMOVSXWQ(w[i, j..j+3]), x[i]) to them, exact int16 × int32 products.
    /// </summary>
    protected override void TransposedMatVecAccumulateCore(ReadOnlySpan<short> w, int rows, int cols, ReadOnlySpan<int> x, Span<long> acc)
    {
        int j = 0;
        if (Avx2.IsSupported)
        {
            for (; j <= cols - 16; j += 16)
            {
                Vector256<long> a0 = Load256(acc, j), a1 = Load256(acc, j + 4), a2 = Load256(acc, j + 8), a3 = Load256(acc, j + 12);
                for (int i = 0; i < rows; i++)
                {
                    Vector256<int> xi = Vector256.Create(x[i]);
                    int at = (i * cols) + j;
                    a0 += Avx2.Multiply(Widen4(w, at).AsInt32(), xi);
                    a1 += Avx2.Multiply(Widen4(w, at + 4).AsInt32(), xi);
                    a2 += Avx2.Multiply(Widen4(w, at + 8).AsInt32(), xi);
                    a3 += Avx2.Multiply(Widen4(w, at + 12).AsInt32(), xi);
                }

                Store256(a0, acc, j);
                Store256(a1, acc, j + 4);
                Store256(a2, acc, j + 8);
                Store256(a3, acc, j + 12);
            }

            for (; j <= cols - 4; j += 4)
            {
                Vector256<long> a = Load256(acc, j);
                for (int i = 0; i < rows; i++)
                {
                    a += Avx2.Multiply(Widen4(w, (i * cols) + j).AsInt32(), Vector256.Create(x[i]));
                }

                Store256(a, acc, j);
            }
        }

        Scalar.TransposedMatVecAccumulate(w, rows, cols, j, x, acc[j..]);
    }

    /// <summary>Eight columns at a time: VPMULDQ of the sign-extended v by u, the biased rounding shift of the complex kernels, a VPCMPGTQ clamp.</summary>
    protected override void OuterProductRowCore(int u, ReadOnlySpan<short> v, int shift, Span<int> g)
    {
        int j = 0;
        if (Avx2.IsSupported)
        {
            var r = new BiasedRound(shift);
            Vector256<int> vu = Vector256.Create(u);
            int ignored = 0;
            for (; j <= g.Length - 8; j += 8)
            {
                Vector256<long> lo = Widen4(g, j) + r.Shift(Mul(vu, Widen4(v, j))) - r.Bias;
                Vector256<long> hi = Widen4(g, j + 4) + r.Shift(Mul(vu, Widen4(v, j + 4))) - r.Bias;
                Store256(Clamp32(lo, hi, ref ignored), g, j);
            }
        }

        Scalar.OuterProductRow(u, v[j..], shift, g[j..]);
    }
}
