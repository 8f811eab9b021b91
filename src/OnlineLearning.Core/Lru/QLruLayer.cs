using OnlineLearning.Core.Models;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// One LRU layer in fixed point (seed 004 Eq. 8-9): h_t = λ ⊙ h_{t−1} + γ ⊙ (B x_t), y_t = Re(C h_t) + D ⊙ x_t,
/// with the sensitivities e_λ, e_γ, e_B of seed 004 A.2 Eq. 12-14 and the gradient sums of Eq. 15-17.
/// Complex values live in split real and imaginary planes; formats are in <see cref="LruFormats"/>.
/// </summary>
/// <remarks>
/// Rules differ only in the decay their traces use: online keeps the full sums (λ), spatial keeps none
/// (decay 0, so e_λ = h_{t−1}, e_γ = B x_t, e_B = γ x_t^T), truncated keeps one transition
/// (e_λ = h_{t−1} + λ h_{t−2}, and likewise for e_γ and e_B). Across layers every rule sends the error
/// back through the current step only.
/// </remarks>
internal sealed class QLruLayer
{
    private const int XToEB = GammaFrac + ActFrac - EBFrac;         // γ·x → e_B
    private const int GToGrad = ErrorFrac + EBFrac - GradFrac;      // g·e_B → dB
    private const int HToELambda = StateFrac - ELambdaFrac;
    private const int BxToEGamma = BxFrac - EGammaFrac;
    private const int HToAct = StateFrac - ActFrac;
    private const int BxShift = WeightFrac + ActFrac - BxFrac;
    private const int YShift = WeightFrac;                          // Q12·Q11 = Q23 → Q11
    private const int BackShift = WeightFrac;                       // Q24·Q12 = Q36 → Q24

    private readonly QKernels _k;
    private readonly LruRule _rule;
    private readonly LruTensors _t;

    public QLruLayer(LruLayerSpec spec, LruRule rule, QKernels kernels, LruTensors tensors)
    {
        if (spec.Block != LruBlockKind.LruOnly)
        {
            throw new NotSupportedException($"The fixed-point LRU runtime implements \"lru-only\" blocks; {spec.Block} is not available yet.");
        }

        N = spec.N;
        H = spec.H;
        _rule = rule;
        _k = kernels;
        _t = tensors;
        Load(spec);
    }

    public int N { get; }

    public int H { get; }

    public LruTensors Tensors => _t;

    /// <summary>Saturated elements of the state and traces since creation.</summary>
    public long StateSaturations { get; private set; }

    /// <summary>Saturated elements of the gradient sums and errors since creation.</summary>
    public long GradientSaturations { get; private set; }

    /// <summary>Recomputes the int16 forward weights and λ, γ from the masters (after every update).</summary>
    public void Refresh()
    {
        LruTensors t = _t;
        for (int n = 0; n < N; n++)
        {
            LruEigenvalues.Compute(t.NuLog[n], t.ThetaLog[n], t.GammaLog[n],
                out t.LambdaRe[n], out t.LambdaIm[n], out t.Gamma[n], out t.ExpNu[n], out t.ExpTheta[n]);
        }

        Narrow(t.BReMaster, t.BRe);
        Narrow(t.BImMaster, t.BIm);
        Narrow(t.CReMaster, t.CRe);
        Narrow(t.CImMaster, t.CIm);
        Narrow(t.DMaster, t.D);
    }

    /// <summary>Advances the state by one step and writes y_t (Q11).</summary>
    public void Forward(ReadOnlySpan<short> x, Span<short> y)
    {
        LruTensors t = _t;
        if (_rule == LruRule.Truncated)
        {
            t.X.CopyTo(t.XPrev, 0);
        }

        x.CopyTo(t.X);
        _k.MatVec(t.BRe, N, H, x, BxShift, t.BxRe);
        _k.MatVec(t.BIm, N, H, x, BxShift, t.BxIm);
        for (int n = 0; n < N; n++)
        {
            t.URe[n] = QMath.MulShiftRound(t.Gamma[n], t.BxRe[n], GammaFrac);
            t.UIm[n] = QMath.MulShiftRound(t.Gamma[n], t.BxIm[n], GammaFrac);
        }

        int sat = UpdateStateTraces();
        sat += _k.ComplexDiagonalRecurrence(t.LambdaRe, t.LambdaIm, LambdaFrac, t.HRe, t.HIm, t.URe, t.UIm, 0);
        StateSaturations += sat;
        _k.NarrowRound(t.HRe, HToAct, t.HqRe);
        _k.NarrowRound(t.HIm, HToAct, t.HqIm);
        _k.MatVec(t.CRe, H, N, t.HqRe, 0, t.YRe);
        _k.MatVec(t.CIm, H, N, t.HqIm, 0, t.YIm);
        for (int k = 0; k < H; k++)
        {
            long sum = (long)t.YRe[k] - t.YIm[k] + (t.D[k] * x[k]);
            y[k] = QMath.SaturateToInt16(QMath.ShiftRightRound(sum, YShift));
        }
    }

    /// <summary>
    /// Takes dL/dy_t (Q24), accumulates this step's gradients and, when <paramref name="dx"/> is not empty,
    /// writes dL/dx_t through the current step (Q24).
    /// </summary>
    public void Backward(ReadOnlySpan<int> dy, Span<int> dx)
    {
        LruTensors t = _t;
        ErrorToState(dy);
        long sat = AccumulateReadout(dy);
        for (int n = 0; n < N; n++)
        {
            long gr = t.GRe[n], gi = t.GIm[n];
            t.GradLambdaRe[n] += (gr * t.ELambdaRe[n]) + (gi * t.ELambdaIm[n]);
            t.GradLambdaIm[n] += (gr * t.ELambdaIm[n]) - (gi * t.ELambdaRe[n]);
            t.GradGamma[n] += (gr * t.EGammaRe[n]) + (gi * t.EGammaIm[n]);
        }

        ReadOnlySpan<int> decayRe = _rule == LruRule.Online ? t.LambdaRe : t.Zero;
        ReadOnlySpan<int> decayIm = _rule == LruRule.Online ? t.LambdaIm : t.Zero;
        if (_rule == LruRule.Truncated)
        {
            sat += _k.ComplexTraceUpdate(t.EBRe, t.EBIm, N, H, t.Zero, t.Zero, LambdaFrac, t.Gamma, t.XPrev, XToEB);
            decayRe = t.LambdaRe;
            decayIm = t.LambdaIm;
        }

        sat += _k.ComplexTraceUpdateAccumulate(
            t.EBRe, t.EBIm, N, H, decayRe, decayIm, LambdaFrac, t.Gamma, t.X, XToEB, t.GRe, t.GIm, GToGrad, t.GradBRe, t.GradBIm);
        GradientSaturations += sat;
        if (!dx.IsEmpty)
        {
            ErrorToInput(dy, dx);
        }
    }

    /// <summary>One SGD step on every master (learning rate 2^-shift), then λ, γ and the forward weights are recomputed.</summary>
    public void Update(int shift)
    {
        LruTensors t = _t;
        for (int n = 0; n < N; n++)
        {
            LruEigenvalues.ChainRule(t.GradLambdaRe[n], t.GradLambdaIm[n], t.GradGamma[n], t.LambdaRe[n], t.LambdaIm[n], t.Gamma[n],
                t.ExpNu[n], t.ExpTheta[n], out long dNu, out long dTheta, out long dGamma);
            t.NuLog[n] = LruUpdate.Apply(t.NuLog[n], dNu, shift);
            t.ThetaLog[n] = LruUpdate.Apply(t.ThetaLog[n], dTheta, shift);
            t.GammaLog[n] = LruUpdate.Apply(t.GammaLog[n], dGamma, shift);
        }

        LruUpdate.Apply(t.BReMaster, t.GradBRe, shift);
        LruUpdate.Apply(t.BImMaster, t.GradBIm, shift);
        LruUpdate.Apply(t.CReMaster, t.GradCRe, shift);
        LruUpdate.Apply(t.CImMaster, t.GradCIm, shift);
        LruUpdate.Apply(t.DMaster, t.GradD, shift);
        Array.Clear(t.GradLambdaRe);
        Array.Clear(t.GradLambdaIm);
        Array.Clear(t.GradGamma);
        Refresh();
    }

    /// <summary>Zeroes the state and traces (a new sequence).</summary>
    public void ResetState() => _t.ClearState();

    /// <summary>Zeroes the gradient sums (after an update).</summary>
    public void ResetGradients() => _t.ClearGradients();

    /// <summary>The accumulated gradients in real units, named like the float64 reference (export only).</summary>
    public void Export(Gradients.GradientReport report, string prefix)
    {
        LruTensors t = _t;
        var nu = new double[N];
        var theta = new double[N];
        var gamma = new double[N];
        for (int n = 0; n < N; n++)
        {
            LruEigenvalues.ChainRule(t.GradLambdaRe[n], t.GradLambdaIm[n], t.GradGamma[n], t.LambdaRe[n], t.LambdaIm[n], t.Gamma[n],
                t.ExpNu[n], t.ExpTheta[n], out long dNu, out long dTheta, out long dGamma);
            nu[n] = ToDouble(dNu, LogGradFrac);
            theta[n] = ToDouble(dTheta, LogGradFrac);
            gamma[n] = ToDouble(dGamma, LogGradFrac);
        }

        report.Add($"{prefix}.nu_log", nu);
        report.Add($"{prefix}.theta_log", theta);
        report.Add($"{prefix}.gamma_log", gamma);
        report.Add($"{prefix}.B_re", Matrix(t.GradBRe, N, H));
        report.Add($"{prefix}.B_im", Matrix(t.GradBIm, N, H));
        report.Add($"{prefix}.C_re", Matrix(t.GradCRe, H, N));
        report.Add($"{prefix}.C_im", Matrix(t.GradCIm, H, N));
        report.Add($"{prefix}.D", t.GradD.Select(v => ToDouble(v, GradFrac)).ToArray());
    }

    private int UpdateStateTraces()
    {
        LruTensors t = _t;
        int sat = 0;
        if (_rule == LruRule.Truncated)
        {
            // One transition kept: e = λ·(previous step's term) + this step's term.
            sat += _k.ComplexDiagonalRecurrence(t.Zero, t.Zero, LambdaFrac, t.ELambdaRe, t.ELambdaIm, t.HPrevRe, t.HPrevIm, HToELambda);
            sat += _k.ComplexDiagonalRecurrence(t.Zero, t.Zero, LambdaFrac, t.EGammaRe, t.EGammaIm, t.BxPrevRe, t.BxPrevIm, BxToEGamma);
            t.HRe.CopyTo(t.HPrevRe, 0);
            t.HIm.CopyTo(t.HPrevIm, 0);
            t.BxRe.CopyTo(t.BxPrevRe, 0);
            t.BxIm.CopyTo(t.BxPrevIm, 0);
        }

        bool full = _rule != LruRule.Spatial;
        ReadOnlySpan<int> re = full ? t.LambdaRe : t.Zero, im = full ? t.LambdaIm : t.Zero;
        // e_λ takes h_{t−1}, so it moves before h does (seed 004 Eq. 12); e_γ takes B x_t (Eq. 13).
        sat += _k.ComplexDiagonalRecurrence(re, im, LambdaFrac, t.ELambdaRe, t.ELambdaIm, t.HRe, t.HIm, HToELambda);
        sat += _k.ComplexDiagonalRecurrence(re, im, LambdaFrac, t.EGammaRe, t.EGammaIm, t.BxRe, t.BxIm, BxToEGamma);
        return sat;
    }

    /// <summary>g = ∂L/∂Re h + i ∂L/∂Im h = conj(C)^T dL/dy (Q24).</summary>
    private void ErrorToState(ReadOnlySpan<int> dy)
    {
        LruTensors t = _t;
        Array.Clear(t.AccRe);
        Array.Clear(t.AccIm);
        for (int k = 0; k < H; k++)
        {
            long d = dy[k];
            ReadOnlySpan<short> cr = t.CRe.AsSpan(k * N, N), ci = t.CIm.AsSpan(k * N, N);
            for (int n = 0; n < N; n++)
            {
                t.AccRe[n] += d * cr[n];
                t.AccIm[n] -= d * ci[n];
            }
        }

        for (int n = 0; n < N; n++)
        {
            t.GRe[n] = QMath.SaturateToInt32(QMath.ShiftRightRound(t.AccRe[n], BackShift));
            t.GIm[n] = QMath.SaturateToInt32(QMath.ShiftRightRound(t.AccIm[n], BackShift));
        }
    }

    /// <summary>dC += dy ⊗ conj(h) (Re plane dy·Re h, Im plane −dy·Im h); dD += dy ⊙ x.</summary>
    private long AccumulateReadout(ReadOnlySpan<int> dy)
    {
        LruTensors t = _t;
        long sat = 0;
        for (int k = 0; k < H; k++)
        {
            long d = dy[k];
            Span<int> gr = t.GradCRe.AsSpan(k * N, N), gi = t.GradCIm.AsSpan(k * N, N);
            for (int n = 0; n < N; n++)
            {
                gr[n] = Add(gr[n], QMath.ShiftRightRound(d * t.HRe[n], ErrorFrac + StateFrac - GradFrac), ref sat);
                gi[n] = Add(gi[n], -QMath.ShiftRightRound(d * t.HIm[n], ErrorFrac + StateFrac - GradFrac), ref sat);
            }

            t.GradD[k] = Add(t.GradD[k], QMath.ShiftRightRound(d * t.X[k], ErrorFrac + ActFrac - GradFrac), ref sat);
        }

        return sat;
    }

    /// <summary>dL/dx_i = Σ_j γ_j (g_re,j B_re,ji + g_im,j B_im,ji) + D_i dL/dy_i (current step only).</summary>
    private void ErrorToInput(ReadOnlySpan<int> dy, Span<int> dx)
    {
        LruTensors t = _t;
        Array.Clear(t.AccX);
        for (int j = 0; j < N; j++)
        {
            long ar = QMath.MulShiftRound(t.Gamma[j], t.GRe[j], GammaFrac);
            long ai = QMath.MulShiftRound(t.Gamma[j], t.GIm[j], GammaFrac);
            ReadOnlySpan<short> br = t.BRe.AsSpan(j * H, H), bi = t.BIm.AsSpan(j * H, H);
            for (int i = 0; i < H; i++)
            {
                t.AccX[i] += (ar * br[i]) + (ai * bi[i]);
            }
        }

        for (int i = 0; i < H; i++)
        {
            long sum = t.AccX[i] + ((long)t.D[i] * dy[i]);
            dx[i] = QMath.SaturateToInt32(QMath.ShiftRightRound(sum, BackShift));
        }
    }

    private void Load(LruLayerSpec spec)
    {
        LruTensors t = _t;
        for (int n = 0; n < N; n++)
        {
            t.NuLog[n] = ToInt32(spec.NuLog[n], LogFrac);
            t.ThetaLog[n] = ToInt32(spec.ThetaLog[n], LogFrac);
            t.GammaLog[n] = ToInt32(spec.GammaLog[n], LogFrac);
        }

        Fill(t.BReMaster, spec.BRe);
        Fill(t.BImMaster, spec.BIm);
        Fill(t.CReMaster, spec.CRe);
        Fill(t.CImMaster, spec.CIm);
        Fill(t.DMaster, [spec.D]);
        Refresh();
    }

    private static void Fill(int[] master, double[][] rows)
    {
        int i = 0;
        foreach (double[] row in rows)
        {
            foreach (double v in row)
            {
                master[i++] = ToInt32(v, MasterFrac);
            }
        }
    }

    private static void Narrow(int[] master, short[] weights)
    {
        for (int i = 0; i < master.Length; i++)
        {
            weights[i] = QMath.NarrowRound(master[i], MasterFrac - WeightFrac);
        }
    }

    private static double[][] Matrix(int[] raw, int rows, int cols)
    {
        var m = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            m[r] = new double[cols];
            for (int c = 0; c < cols; c++)
            {
                m[r][c] = ToDouble(raw[(r * cols) + c], GradFrac);
            }
        }

        return m;
    }

    private static int Add(int acc, long delta, ref long saturated)
    {
        long sum = acc + delta;
        int result = QMath.SaturateToInt32(sum);
        saturated += result == sum ? 0 : 1;
        return result;
    }
}
