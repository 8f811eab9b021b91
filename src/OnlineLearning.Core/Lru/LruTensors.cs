using OnlineLearning.Core.Memory;

using static OnlineLearning.Core.Lru.LruFormats;

namespace OnlineLearning.Core.Lru;

/// <summary>
/// The non-parameter buffers of one fixed-point LRU layer, carved from the network's arena: derived λ and γ,
/// state, sensitivities (traces), gradient sums and scratch. Spans are views into the arena (no allocation).
/// </summary>
internal sealed class LruTensors
{
    private readonly ArenaTensor _lambdaRe, _lambdaIm, _gamma, _expNu, _expTheta, _zero;
    private readonly ArenaTensor _hRe, _hIm, _uRe, _uIm, _hqRe, _hqIm, _yRe, _yIm, _yLru, _dy;
    private readonly ArenaTensor _eLambdaRe, _eLambdaIm, _eGammaRe, _eGammaIm, _eBRe, _eBIm;
    private readonly ArenaTensor _gRe, _gIm, _carryRe, _carryIm, _accRe, _accIm, _accX, _scaledGRe, _scaledGIm;
    private readonly ArenaTensor _gradLambdaRe, _gradLambdaIm, _gradGamma;
    private readonly LruStepRecord[] _records;
    private Arena? _arena;

    public LruTensors(ArenaPlan plan, string prefix, int n, int h, int records)
    {
        ArenaTensor Add(string name, TensorRole role, ArenaElement element, int frac, int count) => plan.Add($"{prefix}.{name}", role, element, frac, count);
        const ArenaElement I32 = ArenaElement.Int32, I64 = ArenaElement.Int64, I16 = ArenaElement.Int16;
        const int Plain = ArenaTensor.NotFixedPoint;
        _lambdaRe = Add("lambda_re", TensorRole.Parameter, I32, LambdaFrac, n);
        _lambdaIm = Add("lambda_im", TensorRole.Parameter, I32, LambdaFrac, n);
        _gamma = Add("gamma", TensorRole.Parameter, I32, GammaFrac, n);
        _expNu = Add("exp_nu_log", TensorRole.Parameter, I32, ExpNuFrac, n);
        _expTheta = Add("exp_theta_log", TensorRole.Parameter, I32, ExpThetaFrac, n);
        _zero = Add("zero", TensorRole.Control, I32, LambdaFrac, n);
        _hRe = Add("h_re", TensorRole.NeuronState, I32, StateFrac, n);
        _hIm = Add("h_im", TensorRole.NeuronState, I32, StateFrac, n);
        _uRe = Add("gamma_bx_re", TensorRole.Scratch, I32, BxFrac, n);
        _uIm = Add("gamma_bx_im", TensorRole.Scratch, I32, BxFrac, n);
        _hqRe = Add("h_act_re", TensorRole.NeuronState, I16, ActFrac, n);
        _hqIm = Add("h_act_im", TensorRole.NeuronState, I16, ActFrac, n);
        _yRe = Add("c_re_h", TensorRole.Scratch, I32, WeightFrac + ActFrac, h);
        _yIm = Add("c_im_h", TensorRole.Scratch, I32, WeightFrac + ActFrac, h);
        _yLru = Add("y", TensorRole.NeuronState, I16, ActFrac, h);
        _dy = Add("dy", TensorRole.Scratch, I32, ErrorFrac, h);
        _eLambdaRe = Add("e_lambda_re", TensorRole.RuleTrace, I32, ELambdaFrac, n);
        _eLambdaIm = Add("e_lambda_im", TensorRole.RuleTrace, I32, ELambdaFrac, n);
        _eGammaRe = Add("e_gamma_re", TensorRole.RuleTrace, I32, EGammaFrac, n);
        _eGammaIm = Add("e_gamma_im", TensorRole.RuleTrace, I32, EGammaFrac, n);
        _eBRe = plan.Add($"{prefix}.e_B_re", TensorRole.RuleTrace, I32, EBFrac, n, h);   // [N][H], like B
        _eBIm = plan.Add($"{prefix}.e_B_im", TensorRole.RuleTrace, I32, EBFrac, n, h);
        _gRe = Add("dh_re", TensorRole.Scratch, I32, ErrorFrac, n);
        _gIm = Add("dh_im", TensorRole.Scratch, I32, ErrorFrac, n);
        _carryRe = Add("carry_re", TensorRole.RuleTrace, I32, ErrorFrac, n);
        _carryIm = Add("carry_im", TensorRole.RuleTrace, I32, ErrorFrac, n);
        _accRe = Add("acc_re", TensorRole.Scratch, I64, Plain, n);
        _accIm = Add("acc_im", TensorRole.Scratch, I64, Plain, n);
        _accX = Add("acc_x", TensorRole.Scratch, I64, Plain, h);
        _scaledGRe = Add("gamma_dh_re", TensorRole.Scratch, I32, ErrorFrac, n);
        _scaledGIm = Add("gamma_dh_im", TensorRole.Scratch, I32, ErrorFrac, n);
        _gradLambdaRe = Add("grad_lambda_re", TensorRole.Gradient, I64, Plain, n);
        _gradLambdaIm = Add("grad_lambda_im", TensorRole.Gradient, I64, Plain, n);
        _gradGamma = Add("grad_gamma", TensorRole.Gradient, I64, Plain, n);
        _records = new LruStepRecord[records];
        for (int i = 0; i < records; i++)
        {
            _records[i] = new LruStepRecord(plan, $"{prefix}.step[{i}]", n, h);
        }

        StateSlot = plan.TrackSaturation(_hRe);
        TraceSlot = plan.TrackSaturation(_eBRe);
        GradientSlot = plan.TrackSaturation(_gradLambdaRe);
    }

    /// <summary>Saturation counter of the state h (and the forward path).</summary>
    public int StateSlot { get; }

    /// <summary>Saturation counter of the traces e_λ, e_γ, e_B.</summary>
    public int TraceSlot { get; }

    /// <summary>Saturation counter of the gradient sums and backward errors.</summary>
    public int GradientSlot { get; }

    public int RecordCount => _records.Length;

    public Span<int> LambdaRe => A.Int32(_lambdaRe);
    public Span<int> LambdaIm => A.Int32(_lambdaIm);
    public Span<int> Gamma => A.Int32(_gamma);
    public Span<int> ExpNu => A.Int32(_expNu);
    public Span<int> ExpTheta => A.Int32(_expTheta);
    public Span<int> Zero => A.Int32(_zero);
    public Span<int> HRe => A.Int32(_hRe);
    public Span<int> HIm => A.Int32(_hIm);
    public Span<int> URe => A.Int32(_uRe);
    public Span<int> UIm => A.Int32(_uIm);
    public Span<short> HqRe => A.Int16(_hqRe);
    public Span<short> HqIm => A.Int16(_hqIm);
    public Span<int> YRe => A.Int32(_yRe);
    public Span<int> YIm => A.Int32(_yIm);
    public Span<short> YLru => A.Int16(_yLru);
    public Span<int> Dy => A.Int32(_dy);
    public Span<int> ELambdaRe => A.Int32(_eLambdaRe);
    public Span<int> ELambdaIm => A.Int32(_eLambdaIm);
    public Span<int> EGammaRe => A.Int32(_eGammaRe);
    public Span<int> EGammaIm => A.Int32(_eGammaIm);
    public Span<int> EBRe => A.Int32(_eBRe);
    public Span<int> EBIm => A.Int32(_eBIm);
    public Span<int> GRe => A.Int32(_gRe);
    public Span<int> GIm => A.Int32(_gIm);
    public Span<int> CarryRe => A.Int32(_carryRe);
    public Span<int> CarryIm => A.Int32(_carryIm);
    public Span<long> AccRe => A.Int64(_accRe);
    public Span<long> AccIm => A.Int64(_accIm);
    public Span<long> AccX => A.Int64(_accX);

    /// <summary>γ ⊙ g, the error that reaches B x (ErrorToInput's scratch).</summary>
    public Span<int> ScaledGRe => A.Int32(_scaledGRe);

    public Span<int> ScaledGIm => A.Int32(_scaledGIm);
    public Span<long> GradLambdaRe => A.Int64(_gradLambdaRe);
    public Span<long> GradLambdaIm => A.Int64(_gradLambdaIm);
    public Span<long> GradGamma => A.Int64(_gradGamma);

    public Arena Arena => A;

    private Arena A => _arena ?? throw new InvalidOperationException("The layer is not bound to its arena yet.");

    public void Bind(Arena arena) => _arena = arena;

    /// <summary>What step slot <paramref name="slot"/> recorded for the backward passes.</summary>
    public LruStepRecord Record(int slot) => _records[slot];

    /// <summary>Zeroes the state, the traces and the step records (a new sequence). Allocates nothing.</summary>
    public void ClearState()
    {
        Arena a = A;
        foreach (ArenaTensor t in (ReadOnlySpan<ArenaTensor>)[_hRe, _hIm, _eLambdaRe, _eLambdaIm, _eGammaRe, _eGammaIm, _eBRe, _eBIm, _carryRe, _carryIm])
        {
            a.Clear(t);
        }

        foreach (LruStepRecord r in _records)
        {
            r.Clear(a);
        }
    }

    /// <summary>Zeroes the λ and γ gradient sums. Allocates nothing.</summary>
    public void ClearSums()
    {
        Arena a = A;
        a.Clear(_gradLambdaRe);
        a.Clear(_gradLambdaIm);
        a.Clear(_gradGamma);
    }
}

/// <summary>
/// What one step of an LRU layer leaves for its backward passes: the input x_t, h_{t−1}, h_t and B x_t.
/// The truncated rule keeps two (steps t and t−1) and alternates between them.
/// </summary>
internal sealed class LruStepRecord
{
    private readonly ArenaTensor _x, _hRe, _hIm, _hPrevRe, _hPrevIm, _bxRe, _bxIm;

    public LruStepRecord(ArenaPlan plan, string prefix, int n, int h)
    {
        _x = plan.Add(prefix + ".x", TensorRole.NeuronState, ArenaElement.Int16, ActFrac, h);
        _hRe = plan.Add(prefix + ".h_re", TensorRole.NeuronState, ArenaElement.Int32, StateFrac, n);
        _hIm = plan.Add(prefix + ".h_im", TensorRole.NeuronState, ArenaElement.Int32, StateFrac, n);
        _hPrevRe = plan.Add(prefix + ".h_prev_re", TensorRole.NeuronState, ArenaElement.Int32, StateFrac, n);
        _hPrevIm = plan.Add(prefix + ".h_prev_im", TensorRole.NeuronState, ArenaElement.Int32, StateFrac, n);
        _bxRe = plan.Add(prefix + ".bx_re", TensorRole.NeuronState, ArenaElement.Int32, BxFrac, n);
        _bxIm = plan.Add(prefix + ".bx_im", TensorRole.NeuronState, ArenaElement.Int32, BxFrac, n);
    }

    public Span<short> X(Arena a) => a.Int16(_x);
    public Span<int> HRe(Arena a) => a.Int32(_hRe);
    public Span<int> HIm(Arena a) => a.Int32(_hIm);
    public Span<int> HPrevRe(Arena a) => a.Int32(_hPrevRe);
    public Span<int> HPrevIm(Arena a) => a.Int32(_hPrevIm);
    public Span<int> BxRe(Arena a) => a.Int32(_bxRe);
    public Span<int> BxIm(Arena a) => a.Int32(_bxIm);

    public void Clear(Arena a)
    {
        foreach (ArenaTensor t in (ReadOnlySpan<ArenaTensor>)[_x, _hRe, _hIm, _hPrevRe, _hPrevIm, _bxRe, _bxIm])
        {
            a.Clear(t);
        }
    }
}
