using OnlineLearning.Core.Memory;
using OnlineLearning.Core.Models;
using OnlineLearning.Core.Training;
using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Functions;
using OnlineLearning.Numerics.Kernels;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// The GLU or MLP block after an LRU (seed 004 Fig. 1, 4.3), integer-only, with its spatial backward pass:
/// glu z = (W1 y + b1) ⊙ σ(W2 y + b2), mlp z = W2 tanh(W1 y + b1) + b2, then
/// out = LayerNorm(x + z) ⊙ norm_gain + norm_bias (ε = 1e-5).
/// </summary>
/// <remarks>
/// Formats: a = W1 y + b1 and z in Q11 (int32), the GLU gate input in Q12 (saturated to ±8 for
/// <see cref="QFunctions.Sigmoid(short)"/>), the gate or tanh in Q15, û in Q20, 1/σ in Q20 (from
/// <see cref="QFunctions.Rsqrt"/>), every error in Q24 (int32). tanh a = 2σ(2a) − 1: |error| ≤ 2^-14 for
/// |a| &lt; 4, and ≤ 7e-4 beyond, where 2a saturates the sigmoid's input. Divisions by the width round half up.
/// </remarks>
internal sealed class QLruBlock
{
    private const int GateFrac = 15;
    private const int GateInFrac = QFunctions.SigmoidInputFracBits;
    private const int UHatFrac = 20;
    private const int InvStdFrac = 20;
    private const int VarFrac = 2 * ActFrac;
    private const int BiasToAct = WeightFrac - ActFrac;
    private const int ErrorToGrad = ErrorFrac - GradFrac;
    private const int One = 1 << GateFrac;

    private static readonly int Epsilon = (int)Numerics.QFormat.Quantize(LruLayerSpec.NormEpsilon, VarFrac, 0, int.MaxValue);

    private readonly QKernels _k;
    private readonly bool _glu;
    private readonly int _h;
    private readonly QDense _w1, _w2;
    private readonly QParameter _b1, _b2, _gain, _bias;
    private readonly Slot[] _slots;
    private readonly ArenaTensor _q, _u, _dUHat, _dz, _dPre, _dq, _gateIn;
    private readonly LruLayerSpec _spec;
    private Arena? _arena;

    public QLruBlock(ArenaPlan plan, string prefix, LruLayerSpec spec, QKernels kernels, int records, bool momentum = false)
    {
        _spec = spec;
        _k = kernels;
        _glu = spec.Block == LruBlockKind.Glu;
        int h = _h = spec.H;
        _w1 = new QDense(plan, prefix + ".block1", h, h, ParameterFormats.Default, momentum);
        _b1 = new QParameter(plan, prefix + ".b1", 1, h, ParameterFormats.Default, momentum);
        _w2 = new QDense(plan, prefix + ".block2", h, h, ParameterFormats.Default, momentum);
        _b2 = new QParameter(plan, prefix + ".b2", 1, h, ParameterFormats.Default, momentum);
        _gain = new QParameter(plan, prefix + ".norm_gain", 1, h, ParameterFormats.Default, momentum);
        _bias = new QParameter(plan, prefix + ".norm_bias", 1, h, ParameterFormats.Default, momentum);
        _slots = new Slot[records];
        for (int i = 0; i < records; i++)
        {
            _slots[i] = new Slot(plan, $"{prefix}.step[{i}].block", h);
        }

        ArenaTensor Add(string name, int frac) => plan.Add($"{prefix}.block.{name}", TensorRole.Scratch, ArenaElement.Int32, frac, h);
        _q = Add("gate_pre", GateInFrac);
        _u = Add("residual", ActFrac);
        _dUHat = Add("d_uhat", ErrorFrac);
        _dz = Add("dz", ErrorFrac);
        _dPre = Add("d_pre", ErrorFrac);
        _dq = Add("d_gate_pre", ErrorFrac);
        _gateIn = plan.Add($"{prefix}.block.gate_in", TensorRole.Scratch, ArenaElement.Int16, GateInFrac, h);
    }

    /// <summary>W1, b1, W2, b2, norm_gain, norm_bias (the reference's report order).</summary>
    public IReadOnlyList<QParameter> Parameters => [_w1.Weights, _b1, _w2.Weights, _b2, _gain, _bias];

    /// <summary>The names the float64 reference gives <see cref="Parameters"/>.</summary>
    public static IReadOnlyList<string> ReportNames => ["W1", "b1", "W2", "b2", "norm_gain", "norm_bias"];

    private Arena A => _arena ?? throw new InvalidOperationException("The block is not bound to its arena yet.");

    public void Bind(Arena arena)
    {
        _arena = arena;
        _w1.Weights.Load(arena, _spec.W1!);
        _b1.Load(arena, _spec.B1!);
        _w2.Weights.Load(arena, _spec.W2!);
        _b2.Load(arena, _spec.B2!);
        _gain.Load(arena, _spec.NormGain!);
        _bias.Load(arena, _spec.NormBias!);
    }

    /// <summary>x: the block input (Q11), y: the LRU output (Q11); writes out (Q11) and records slot.</summary>
    public void Forward(int slot, ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> output)
    {
        Arena a = A;
        Slot s = _slots[slot];
        y.CopyTo(s.Y(a));
        Span<int> pre = s.A(a), z = a.Int32(_u);
        Span<short> g = s.G(a);
        ReadOnlySpan<short> b1 = a.Int16(_b1.Value), b2 = a.Int16(_b2.Value);
        _w1.Forward(_k, a, y, ActFrac, pre, ActFrac);
        for (int k = 0; k < _h; k++)
        {
            pre[k] = QMath.AddSat(pre[k], QMath.ShiftRightRound((int)b1[k], BiasToAct));
        }

        Span<short> gateIn = a.Int16(_gateIn);
        if (_glu)
        {
            Span<int> q = a.Int32(_q);
            _w2.Forward(_k, a, y, ActFrac, q, GateInFrac);
            for (int k = 0; k < _h; k++)
            {
                gateIn[k] = QMath.SaturateToInt16((long)q[k] + b2[k]);
            }

            QFunctions.Sigmoid(gateIn, g);
            for (int k = 0; k < _h; k++)
            {
                z[k] = QMath.MulShiftRound(pre[k], g[k], GateFrac);
            }
        }
        else
        {
            // tanh a = 2σ(2a) − 1; 2a in Q12 is a in Q11 shifted left by 2.
            for (int k = 0; k < _h; k++)
            {
                gateIn[k] = QMath.SaturateToInt16((long)pre[k] << 2);
            }

            QFunctions.Sigmoid(gateIn, g);
            for (int k = 0; k < _h; k++)
            {
                g[k] = (short)((2 * g[k]) - One);
            }

            _w2.Forward(_k, a, g, GateFrac, z, ActFrac);
            for (int k = 0; k < _h; k++)
            {
                z[k] = QMath.AddSat(z[k], QMath.ShiftRightRound((int)b2[k], BiasToAct));
            }
        }

        Normalise(s, x, z, output);
    }

    /// <summary>
    /// Given dL/d(out) (Q24) at the recorded step <paramref name="slot"/>: accumulates the block's gradients,
    /// writes dL/dy (Q24) and, when <paramref name="dx"/> is not empty, the residual's share dL/dx = dL/du.
    /// </summary>
    public void Backward(int slot, ReadOnlySpan<int> dOut, Span<int> dy, Span<int> dx)
    {
        Arena a = A;
        Slot s = _slots[slot];
        Span<int> dz = a.Int32(_dz), dPre = a.Int32(_dPre);
        NormaliseBackward(s, dOut, dz);
        if (!dx.IsEmpty)
        {
            dz.CopyTo(dx);
        }

        ReadOnlySpan<int> pre = s.A(a);
        ReadOnlySpan<short> g = s.G(a), y = s.Y(a);
        dy.Clear();
        if (_glu)
        {
            Span<int> dq = a.Int32(_dq);
            for (int k = 0; k < _h; k++)
            {
                dPre[k] = QMath.MulShiftRound(dz[k], g[k], GateFrac);
                long dza = QMath.ShiftRightRound((long)dz[k] * pre[k], ActFrac);
                long slope = QMath.ShiftRightRound((long)g[k] * (One - g[k]), GateFrac);          // σ' in Q15
                dq[k] = QMath.SaturateToInt32(QMath.ShiftRightRound(dza * slope, GateFrac));
            }

            _w2.AccumulateGradient(_k, a, dq, ErrorFrac, y, ActFrac);
            AddBias(a, _b2, dq);
            _w2.BackwardAccumulate(_k, a, dq, ErrorFrac, dy, ErrorFrac);
        }
        else
        {
            _w2.AccumulateGradient(_k, a, dz, ErrorFrac, g, GateFrac);
            AddBias(a, _b2, dz);
            dPre.Clear();
            _w2.BackwardAccumulate(_k, a, dz, ErrorFrac, dPre, ErrorFrac);
            for (int k = 0; k < _h; k++)
            {
                long slope = One - QMath.ShiftRightRound((long)g[k] * g[k], GateFrac);              // 1 − tanh² in Q15
                dPre[k] = QMath.SaturateToInt32(QMath.ShiftRightRound(dPre[k] * slope, GateFrac));
            }
        }

        _w1.AccumulateGradient(_k, a, dPre, ErrorFrac, y, ActFrac);
        AddBias(a, _b1, dPre);
        _w1.BackwardAccumulate(_k, a, dPre, ErrorFrac, dy, ErrorFrac);
    }

    /// <summary>Zeroes the step records (a new sequence).</summary>
    public void ClearState()
    {
        foreach (Slot s in _slots)
        {
            s.Clear(A);
        }
    }

    // u = x + z; û = (u − mean) / sqrt(var + ε); out = û ⊙ gain + bias.
    private void Normalise(Slot s, ReadOnlySpan<short> x, Span<int> u, Span<short> output)
    {
        Arena a = A;
        long sum = 0;
        for (int k = 0; k < _h; k++)
        {
            u[k] = QMath.AddSat(u[k], x[k]);
            sum += u[k];
        }

        long mean = QMath.DivideRound(sum, _h);
        long squares = 0;
        for (int k = 0; k < _h; k++)
        {
            long d = u[k] - mean;
            squares += d * d;
        }

        long variance = QMath.DivideRound(squares, _h) + Epsilon;          // Q22
        int varFrac = VarFrac;
        while (variance > int.MaxValue)
        {
            variance >>= 2;
            varFrac -= 2;
        }

        int invStd = QFunctions.Rsqrt((int)variance, varFrac, InvStdFrac);
        s.InvStd(a)[0] = invStd;
        Span<int> uHat = s.UHat(a);
        ReadOnlySpan<short> gain = a.Int16(_gain.Value), bias = a.Int16(_bias.Value);
        for (int k = 0; k < _h; k++)
        {
            uHat[k] = QMath.SaturateToInt32(QMath.ShiftRightRound((u[k] - mean) * invStd, ActFrac + InvStdFrac - UHatFrac));
            long scaled = ((long)uHat[k] * gain[k]) + ((long)bias[k] << UHatFrac);
            output[k] = QMath.SaturateToInt16(QMath.ShiftRightRound(scaled, UHatFrac + WeightFrac - ActFrac));
        }
    }

    // d gain += dOut ⊙ û, d bias += dOut; du = (1/σ)(dû − mean(dû) − û mean(dû ⊙ û)) with dû = dOut ⊙ gain.
    private void NormaliseBackward(Slot s, ReadOnlySpan<int> dOut, Span<int> du)
    {
        Arena a = A;
        ReadOnlySpan<int> uHat = s.UHat(a);
        ReadOnlySpan<short> gain = a.Int16(_gain.Value);
        Span<int> gradGain = a.Int32(_gain.Gradient), dUHat = a.Int32(_dUHat);
        long sumD = 0, sumDu = 0;
        for (int k = 0; k < _h; k++)
        {
            gradGain[k] = QMath.SaturateToInt32(gradGain[k] + QMath.ShiftRightRound((long)dOut[k] * uHat[k], ErrorFrac + UHatFrac - GradFrac));
            dUHat[k] = QMath.SaturateToInt32(QMath.ShiftRightRound((long)dOut[k] * gain[k], WeightFrac));
            sumD += dUHat[k];
            sumDu += QMath.ShiftRightRound((long)dUHat[k] * uHat[k], UHatFrac);
        }

        AddBias(a, _bias, dOut);
        long meanD = QMath.DivideRound(sumD, _h), meanDu = QMath.DivideRound(sumDu, _h);
        long invStd = s.InvStd(a)[0];
        for (int k = 0; k < _h; k++)
        {
            long centred = dUHat[k] - meanD - QMath.ShiftRightRound(uHat[k] * meanDu, UHatFrac);
            du[k] = QMath.SaturateToInt32(QMath.ShiftRightRound(centred * invStd, InvStdFrac));
        }
    }

    /// <summary>A bias gradient (Q20) += an error (Q24).</summary>
    private static void AddBias(Arena a, QParameter bias, ReadOnlySpan<int> error)
    {
        Span<int> g = a.Int32(bias.Gradient);
        for (int k = 0; k < g.Length; k++)
        {
            g[k] = QMath.SaturateToInt32(g[k] + QMath.ShiftRightRound((long)error[k], ErrorToGrad));
        }
    }

    /// <summary>What the block's backward pass needs from one step.</summary>
    private sealed class Slot
    {
        private readonly ArenaTensor _y, _a, _g, _uHat, _invStd;

        public Slot(ArenaPlan plan, string prefix, int h)
        {
            _y = plan.Add(prefix + ".y", TensorRole.NeuronState, ArenaElement.Int16, ActFrac, h);
            _a = plan.Add(prefix + ".pre", TensorRole.NeuronState, ArenaElement.Int32, ActFrac, h);
            _g = plan.Add(prefix + ".gate", TensorRole.NeuronState, ArenaElement.Int16, GateFrac, h);
            _uHat = plan.Add(prefix + ".uhat", TensorRole.NeuronState, ArenaElement.Int32, UHatFrac, h);
            _invStd = plan.Add(prefix + ".inv_std", TensorRole.NeuronState, ArenaElement.Int32, InvStdFrac, 1);
        }

        public Span<short> Y(Arena a) => a.Int16(_y);
        public Span<int> A(Arena a) => a.Int32(_a);
        public Span<short> G(Arena a) => a.Int16(_g);
        public Span<int> UHat(Arena a) => a.Int32(_uHat);
        public Span<int> InvStd(Arena a) => a.Int32(_invStd);

        public void Clear(Arena a)
        {
            foreach (ArenaTensor t in (ReadOnlySpan<ArenaTensor>)[_y, _a, _g, _uHat, _invStd])
            {
                a.Clear(t);
            }
        }
    }
}
