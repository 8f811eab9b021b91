using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Kernels;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// One LRU layer in fixed point (seed 004 Eq. 8-9): h_t = λ ⊙ h_{t−1} + γ ⊙ (B x_t), y_t = Re(C h_t) + D ⊙ x_t,
/// optionally followed by a GLU or MLP block (<see cref="QLruBlock"/>), with the sensitivities e_λ, e_γ, e_B of
/// seed 004 A.2 Eq. 12-14 and the gradient sums of Eq. 15-17. Complex values live in split real and imaginary
/// planes; formats are in <see cref="LruFormats"/>. Every buffer is in the network's arena.
/// </summary>
/// <remarks>
/// The online rule credits λ, γ, B through the exact traces (decay λ). A backward pass without traces (spatial,
/// and both passes of truncated) credits them through the immediate dependence recorded for that step:
/// e_λ = h_{t−1}, e_γ = B x_t, e_B = γ x_tᵀ. The truncated rule runs a second pass through step t−1 that takes
/// the adjoint carried from step t, conj(λ) ⊙ ∂L/∂h_t, as the float64 reference does.
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
    private const int LogToGrad = LogGradFrac - GradFrac;

    private readonly QKernels _k;
    private readonly LruRule _rule;
    private readonly LruTensors _t;
    private readonly QLruBlock? _block;
    private readonly QParameter _nuLog, _thetaLog, _gammaLog, _bRe, _bIm, _cRe, _cIm, _d;
    private readonly QParameter[] _parameters;
    private readonly ArenaTensor _slotTensor;   // int32 [1]: the step record this step writes

    public QLruLayer(ArenaPlan plan, string prefix, LruLayerSpec spec, LruRule rule, QKernels kernels, bool momentum = false)
    {
        Spec = spec;
        N = spec.N;
        H = spec.H;
        _rule = rule;
        _k = kernels;
        var logs = new ParameterFormats(LogFrac, LogFrac, GradFrac);
        _nuLog = new QParameter(plan, prefix + ".nu_log", 1, N, logs, ArenaElement.Int32, momentum);
        _thetaLog = new QParameter(plan, prefix + ".theta_log", 1, N, logs, ArenaElement.Int32, momentum);
        _gammaLog = new QParameter(plan, prefix + ".gamma_log", 1, N, logs, ArenaElement.Int32, momentum);
        _bRe = new QParameter(plan, prefix + ".B_re", N, H, ParameterFormats.Default, momentum);
        _bIm = new QParameter(plan, prefix + ".B_im", N, H, ParameterFormats.Default, momentum);
        _cRe = new QParameter(plan, prefix + ".C_re", H, N, ParameterFormats.Default, momentum);
        _cIm = new QParameter(plan, prefix + ".C_im", H, N, ParameterFormats.Default, momentum);
        _d = new QParameter(plan, prefix + ".D", 1, H, ParameterFormats.Default, momentum);
        int records = rule == LruRule.Truncated ? 2 : 1;
        _slotTensor = plan.Add(prefix + ".slot", TensorRole.Control, ArenaElement.Int32, ArenaTensor.NotFixedPoint, 1);
        _t = new LruTensors(plan, prefix, N, H, records);
        _block = spec.Block == LruBlockKind.LruOnly ? null : new QLruBlock(plan, prefix, spec, kernels, records, momentum);
        _parameters = [_nuLog, _thetaLog, _gammaLog, _bRe, _bIm, _cRe, _cIm, _d, .. _block?.Parameters ?? []];
    }

    public LruLayerSpec Spec { get; }

    public int N { get; }

    public int H { get; }

    public LruTensors Tensors => _t;

    /// <summary>Every trainable tensor, in the float64 reference's report order.</summary>
    public IReadOnlyList<QParameter> Parameters => _parameters;

    private Arena Arena => _t.Arena;

    /// <summary>Binds the layer to the allocated arena and loads the spec's parameters (config time).</summary>
    public void Bind(Arena arena)
    {
        _t.Bind(arena);
        _block?.Bind(arena);
        LruLayerSpec spec = Spec;
        _nuLog.Load(arena, spec.NuLog);
        _thetaLog.Load(arena, spec.ThetaLog);
        _gammaLog.Load(arena, spec.GammaLog);
        _bRe.Load(arena, spec.BRe);
        _bIm.Load(arena, spec.BIm);
        _cRe.Load(arena, spec.CRe);
        _cIm.Load(arena, spec.CIm);
        _d.Load(arena, spec.D);
        Refresh();
    }

    /// <summary>Recomputes λ, γ and the cached exponentials from the log parameters (after every update).</summary>
    public void Refresh()
    {
        LruTensors t = _t;
        ReadOnlySpan<int> nu = Arena.Int32(_nuLog.Value), theta = Arena.Int32(_thetaLog.Value), gammaLog = Arena.Int32(_gammaLog.Value);
        Span<int> lre = t.LambdaRe, lim = t.LambdaIm, gamma = t.Gamma, expNu = t.ExpNu, expTheta = t.ExpTheta;
        for (int n = 0; n < N; n++)
        {
            LruEigenvalues.Compute(nu[n], theta[n], gammaLog[n], out lre[n], out lim[n], out gamma[n], out expNu[n], out expTheta[n]);
        }
    }

    /// <summary>Advances the state by one step and writes the layer output (Q11).</summary>
    public void Forward(ReadOnlySpan<short> x, Span<short> output, bool learning)
    {
        LruTensors t = _t;
        Arena a = Arena;
        ref int slot = ref Arena.Int32(_slotTensor)[0];
        slot = (slot + 1) % t.RecordCount;
        LruStepRecord r = t.Record(slot);
        x.CopyTo(r.X(a));
        Span<int> bxRe = r.BxRe(a), bxIm = r.BxIm(a), uRe = t.URe, uIm = t.UIm, gamma = t.Gamma;
        _k.MatVec(a.Int16(_bRe.Value), N, H, x, BxShift, bxRe);
        _k.MatVec(a.Int16(_bIm.Value), N, H, x, BxShift, bxIm);
        for (int n = 0; n < N; n++)
        {
            uRe[n] = QMath.MulShiftRound(gamma[n], bxRe[n], GammaFrac);
            uIm[n] = QMath.MulShiftRound(gamma[n], bxIm[n], GammaFrac);
        }

        t.HRe.CopyTo(r.HPrevRe(a));
        t.HIm.CopyTo(r.HPrevIm(a));
        int sat = 0;
        if (learning && _rule == LruRule.Online)
        {
            // e_λ takes h_{t−1}, so it moves before h does (seed 004 Eq. 12); e_γ takes B x_t (Eq. 13).
            sat += _k.ComplexDiagonalRecurrence(t.LambdaRe, t.LambdaIm, LambdaFrac, t.ELambdaRe, t.ELambdaIm, t.HRe, t.HIm, HToELambda);
            sat += _k.ComplexDiagonalRecurrence(t.LambdaRe, t.LambdaIm, LambdaFrac, t.EGammaRe, t.EGammaIm, bxRe, bxIm, BxToEGamma);
        }

        sat += _k.ComplexDiagonalRecurrence(t.LambdaRe, t.LambdaIm, LambdaFrac, t.HRe, t.HIm, uRe, uIm, 0);
        a.CountSaturations(t.StateSlot, sat);
        t.HRe.CopyTo(r.HRe(a));
        t.HIm.CopyTo(r.HIm(a));
        _k.NarrowRound(t.HRe, HToAct, t.HqRe);
        _k.NarrowRound(t.HIm, HToAct, t.HqIm);
        _k.MatVec(a.Int16(_cRe.Value), H, N, t.HqRe, 0, t.YRe);
        _k.MatVec(a.Int16(_cIm.Value), H, N, t.HqIm, 0, t.YIm);
        Span<short> y = _block is null ? output : t.YLru;
        ReadOnlySpan<int> yRe = t.YRe, yIm = t.YIm;
        ReadOnlySpan<short> d = a.Int16(_d.Value);
        for (int k = 0; k < H; k++)
        {
            long sum = (long)yRe[k] - yIm[k] + (d[k] * x[k]);
            y[k] = QMath.SaturateToInt16(QMath.ShiftRightRound(sum, YShift));
        }

        _block?.Forward(slot, x, y, output);
    }

    /// <summary>
    /// Takes dL/d(output) (Q24) at the current step, or at the previous one when <paramref name="previous"/>
    /// (truncated rule, with the adjoint carried from the current step added to ∂L/∂h). Accumulates the
    /// gradients, writes the carry conj(λ) ⊙ ∂L/∂h when <paramref name="writeCarry"/>, and, when
    /// <paramref name="dx"/> is not empty, dL/dx through that step only (Q24).
    /// </summary>
    public void Backward(ReadOnlySpan<int> dOut, bool previous, bool writeCarry, Span<int> dx)
    {
        LruTensors t = _t;
        Arena a = Arena;
        int current = Arena.Int32(_slotTensor)[0];
        int slot = previous ? (current + t.RecordCount - 1) % t.RecordCount : current;
        LruStepRecord r = t.Record(slot);
        ReadOnlySpan<int> dy = dOut;
        if (_block is not null)
        {
            _block.Backward(slot, dOut, t.Dy, dx);
            dy = t.Dy;
        }
        else
        {
            dx.Clear();
        }

        ErrorToState(dy, previous);
        long sat = AccumulateReadout(dy, r);
        bool traces = _rule == LruRule.Online;
        if (!traces)
        {
            // The immediate dependence: e_λ = h_{t−1}, e_γ = B x_t (the recurrence with zero decay rescales them).
            _k.ComplexDiagonalRecurrence(t.Zero, t.Zero, LambdaFrac, t.ELambdaRe, t.ELambdaIm, r.HPrevRe(a), r.HPrevIm(a), HToELambda);
            _k.ComplexDiagonalRecurrence(t.Zero, t.Zero, LambdaFrac, t.EGammaRe, t.EGammaIm, r.BxRe(a), r.BxIm(a), BxToEGamma);
        }

        AccumulateEigenvalueSums();
        ReadOnlySpan<int> decayRe = traces ? t.LambdaRe : t.Zero, decayIm = traces ? t.LambdaIm : t.Zero;
        sat += _k.ComplexTraceUpdateAccumulate(t.EBRe, t.EBIm, N, H, decayRe, decayIm, LambdaFrac, t.Gamma, r.X(a), XToEB,
            t.GRe, t.GIm, GToGrad, a.Int32(_bRe.Gradient), a.Int32(_bIm.Gradient));
        a.CountSaturations(t.GradientSlot, (int)sat);
        if (writeCarry)
        {
            Carry();
        }

        if (!dx.IsEmpty)
        {
            ErrorToInput(dy, dx);
        }
    }

    /// <summary>
    /// Moves the λ and γ gradient sums through the chain rule (seed 004 A.1 Eq. 11) into the log parameters'
    /// gradients and restarts the sums. Before every update and every export; allocates nothing.
    /// </summary>
    public void FoldEigenvalueGradients()
    {
        LruTensors t = _t;
        Arena a = Arena;
        Span<int> gNu = a.Int32(_nuLog.Gradient), gTheta = a.Int32(_thetaLog.Gradient), gGamma = a.Int32(_gammaLog.Gradient);
        for (int n = 0; n < N; n++)
        {
            LruEigenvalues.ChainRule(t.GradLambdaRe[n], t.GradLambdaIm[n], t.GradGamma[n], t.LambdaRe[n], t.LambdaIm[n], t.Gamma[n],
                t.ExpNu[n], t.ExpTheta[n], out long dNu, out long dTheta, out long dGamma);
            gNu[n] = QMath.SaturateToInt32(gNu[n] + QMath.ShiftRightRound(dNu, LogToGrad));
            gTheta[n] = QMath.SaturateToInt32(gTheta[n] + QMath.ShiftRightRound(dTheta, LogToGrad));
            gGamma[n] = QMath.SaturateToInt32(gGamma[n] + QMath.ShiftRightRound(dGamma, LogToGrad));
        }

        t.ClearSums();
    }

    /// <summary>Zeroes the state, traces and step records (a new sequence).</summary>
    public void ResetState()
    {
        _t.ClearState();
        _block?.ClearState();
    }

    /// <summary>Zeroes every gradient of the layer. Allocates nothing.</summary>
    public void ClearGradients()
    {
        _t.ClearSums();
        foreach (QParameter p in _parameters)
        {
            p.ClearGradient(Arena);
        }
    }

    /// <summary>g = ∂L/∂Re h + i ∂L/∂Im h = conj(C)^T dL/dy (Q24), plus the carried adjoint on a previous-step pass.</summary>
    private void ErrorToState(ReadOnlySpan<int> dy, bool withCarry)
    {
        LruTensors t = _t;
        Span<long> accRe = t.AccRe, accIm = t.AccIm;
        accRe.Clear();
        accIm.Clear();
        _k.TransposedMatVecAccumulate(Arena.Int16(_cRe.Value), H, N, dy, accRe);
        _k.TransposedMatVecAccumulate(Arena.Int16(_cIm.Value), H, N, dy, accIm);   // Σ dy·Im C; conj(C) negates it below
        Span<int> gRe = t.GRe, gIm = t.GIm;
        ReadOnlySpan<int> carryRe = t.CarryRe, carryIm = t.CarryIm;
        for (int n = 0; n < N; n++)
        {
            long cr = withCarry ? carryRe[n] : 0, ci = withCarry ? carryIm[n] : 0;
            gRe[n] = QMath.SaturateToInt32(QMath.ShiftRightRound(accRe[n], BackShift) + cr);
            gIm[n] = QMath.SaturateToInt32(QMath.ShiftRightRound(-accIm[n], BackShift) + ci);
        }
    }

    /// <summary>The adjoint reaching h_{t−1}: conj(λ) ⊙ g (Q24).</summary>
    private void Carry()
    {
        LruTensors t = _t;
        ReadOnlySpan<int> lre = t.LambdaRe, lim = t.LambdaIm, gRe = t.GRe, gIm = t.GIm;
        Span<int> carryRe = t.CarryRe, carryIm = t.CarryIm;
        for (int n = 0; n < N; n++)
        {
            long re = ((long)lre[n] * gRe[n]) + ((long)lim[n] * gIm[n]);
            long im = ((long)lre[n] * gIm[n]) - ((long)lim[n] * gRe[n]);
            carryRe[n] = QMath.SaturateToInt32(QMath.ShiftRightRound(re, LambdaFrac));
            carryIm[n] = QMath.SaturateToInt32(QMath.ShiftRightRound(im, LambdaFrac));
        }
    }

    /// <summary>Σ conj(e_λ) g and Σ Re(conj(e_γ) g), exact int64 sums (Q38 and Q40; seed 004 Eq. 15-16).</summary>
    private void AccumulateEigenvalueSums()
    {
        LruTensors t = _t;
        ReadOnlySpan<int> gRe = t.GRe, gIm = t.GIm, elr = t.ELambdaRe, eli = t.ELambdaIm, egr = t.EGammaRe, egi = t.EGammaIm;
        Span<long> sumRe = t.GradLambdaRe, sumIm = t.GradLambdaIm, sumGamma = t.GradGamma;
        for (int n = 0; n < N; n++)
        {
            long gr = gRe[n], gi = gIm[n];
            sumRe[n] += (gr * elr[n]) + (gi * eli[n]);
            sumIm[n] += (gr * eli[n]) - (gi * elr[n]);
            sumGamma[n] += (gr * egr[n]) + (gi * egi[n]);
        }
    }

    /// <summary>dC += dy ⊗ conj(h) (Re plane dy·Re h, Im plane −dy·Im h); dD += dy ⊙ x.</summary>
    private long AccumulateReadout(ReadOnlySpan<int> dy, LruStepRecord r)
    {
        Arena a = Arena;
        ReadOnlySpan<short> x = r.X(a);
        Span<int> gradD = a.Int32(_d.Gradient);
        long sat = _k.ConjugateOuterAccumulate(
            dy, default, r.HRe(a), r.HIm(a), ErrorFrac + StateFrac - GradFrac, a.Int32(_cRe.Gradient), a.Int32(_cIm.Gradient));
        for (int k = 0; k < H; k++)
        {
            gradD[k] = Add(gradD[k], QMath.ShiftRightRound((long)dy[k] * x[k], ErrorFrac + ActFrac - GradFrac), ref sat);
        }

        return sat;
    }

    /// <summary>dL/dx_i += Σ_j γ_j (g_re,j B_re,ji + g_im,j B_im,ji) + D_i dL/dy_i (this step only).</summary>
    private void ErrorToInput(ReadOnlySpan<int> dy, Span<int> dx)
    {
        LruTensors t = _t;
        Span<long> acc = t.AccX;
        acc.Clear();
        ReadOnlySpan<int> gamma = t.Gamma, gRe = t.GRe, gIm = t.GIm;
        Span<int> scaledRe = t.ScaledGRe, scaledIm = t.ScaledGIm;
        for (int j = 0; j < N; j++)
        {
            scaledRe[j] = QMath.MulShiftRound(gamma[j], gRe[j], GammaFrac);
            scaledIm[j] = QMath.MulShiftRound(gamma[j], gIm[j], GammaFrac);
        }

        _k.TransposedMatVecAccumulate(Arena.Int16(_bRe.Value), N, H, scaledRe, acc);
        _k.TransposedMatVecAccumulate(Arena.Int16(_bIm.Value), N, H, scaledIm, acc);
        ReadOnlySpan<short> d = Arena.Int16(_d.Value);
        for (int i = 0; i < H; i++)
        {
            long sum = acc[i] + ((long)d[i] * dy[i]);
            dx[i] = QMath.SaturateToInt32(dx[i] + QMath.ShiftRightRound(sum, BackShift));
        }
    }

    private static int Add(int acc, long delta, ref long saturated)
    {
        long sum = acc + delta;
        int result = QMath.SaturateToInt32(sum);
        saturated += result == sum ? 0 : 1;
        return result;
    }
}
