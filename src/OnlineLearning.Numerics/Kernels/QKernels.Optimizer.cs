namespace OnlineLearning.Numerics.Kernels;

/// <summary>What one <see cref="QKernels.SgdUpdate(Span{int}, Span{int}, short, Span{int}, long, int, Span{short}, int, Span{uint})"/> call observed.</summary>
/// <param name="ValueSaturations">Masters whose rounded value did not fit the int16 working copy (always 0 for int32 values).</param>
/// <param name="GradientExtremes">Gradient elements at int.MinValue or int.MaxValue: accumulators that probably saturated.</param>
public readonly record struct SgdCounts(int ValueSaturations, int GradientExtremes);

/// <summary>The fused optimiser update: one pass over a parameter's gradient, velocity, master and working values.</summary>
public abstract partial class QKernels
{
    /// <summary>
    /// One SGD step on a parameter with int16 working values, fused into a single pass. For every element i:
    /// <list type="number">
    /// <item>count g[i] if it is int.MinValue or int.MaxValue;</item>
    /// <item>with momentum (<paramref name="velocity"/> not empty): v[i] = sat32(<see cref="QMath.MulShiftRound"/>(v[i], μ, 15) + g[i]),
    /// and the step is v[i]; without it the step is g[i];</item>
    /// <item>master[i] = sat32(master[i] − ((step · lr + r) &gt;&gt; roundingShift)) in int64, where r is the top
    /// <paramref name="roundingShift"/> bits of the next draw of xorshift32 lane i mod <see cref="RngLanes"/>
    /// (<see cref="StochasticRounding"/>), so the expected applied update is step · lr / 2^roundingShift exactly;</item>
    /// <item>values[i] = sat16(round(master[i] / 2^valueShift)), counting the saturations;</item>
    /// <item>g[i] = 0.</item>
    /// </list>
    /// The product step · lr wraps in int64 as C# long arithmetic does; it is exact whenever |lr| &lt; 2^31.
    /// </summary>
    public SgdCounts SgdUpdate(
        Span<int> gradient, Span<int> velocity, short momentumQ15, Span<int> master, long learningRateQ, int roundingShift,
        Span<short> values, int valueShift, Span<uint> rngLanes)
    {
        CheckSgd(gradient, velocity, master, values.Length, roundingShift, valueShift, rngLanes);
        return SgdUpdateCore(new SgdArgs(gradient, velocity, momentumQ15, master, learningRateQ, roundingShift, valueShift, rngLanes), values, default);
    }

    /// <summary>
    /// <see cref="SgdUpdate(Span{int}, Span{int}, short, Span{int}, long, int, Span{short}, int, Span{uint})"/> for a
    /// parameter with int32 working values: values[i] = round(master[i] / 2^valueShift), which cannot saturate.
    /// </summary>
    public SgdCounts SgdUpdate(
        Span<int> gradient, Span<int> velocity, short momentumQ15, Span<int> master, long learningRateQ, int roundingShift,
        Span<int> values, int valueShift, Span<uint> rngLanes)
    {
        CheckSgd(gradient, velocity, master, values.Length, roundingShift, valueShift, rngLanes);
        return SgdUpdateCore(new SgdArgs(gradient, velocity, momentumQ15, master, learningRateQ, roundingShift, valueShift, rngLanes), default, values);
    }

    /// <summary>
    /// The body of both <c>SgdUpdate</c> overloads. Exactly one of <paramref name="values16"/> and
    /// <paramref name="values32"/> is the destination (the other is empty unless the length is 0).
    /// </summary>
    protected abstract SgdCounts SgdUpdateCore(in SgdArgs args, Span<short> values16, Span<int> values32);

    private static void CheckSgd(Span<int> gradient, Span<int> velocity, Span<int> master, int values, int roundingShift, int valueShift, Span<uint> rngLanes)
    {
        Check.SameLength(gradient.Length, master.Length, values);
        if (!velocity.IsEmpty)
        {
            Check.SameLength(gradient.Length, velocity.Length);
        }

        Check.Shift(roundingShift, 1, 31);
        Check.Shift(valueShift, 0, 31);
        StochasticRounding.CheckLanes(rngLanes);
    }

    /// <summary>The operands of <c>SgdUpdate</c> other than the working values, passed to the backends as one unit.</summary>
    protected internal readonly ref struct SgdArgs
    {
        public SgdArgs(Span<int> gradient, Span<int> velocity, short momentumQ15, Span<int> master, long learningRateQ, int roundingShift, int valueShift, Span<uint> rngLanes)
        {
            Gradient = gradient;
            Velocity = velocity;
            MomentumQ15 = momentumQ15;
            Master = master;
            LearningRateQ = learningRateQ;
            RoundingShift = roundingShift;
            ValueShift = valueShift;
            RngLanes = rngLanes;
        }

        public Span<int> Gradient { get; }

        /// <summary>Empty when there is no momentum.</summary>
        public Span<int> Velocity { get; }

        public short MomentumQ15 { get; }

        public Span<int> Master { get; }

        public long LearningRateQ { get; }

        public int RoundingShift { get; }

        public int ValueShift { get; }

        public Span<uint> RngLanes { get; }

        /// <summary>The same operands from element <paramref name="start"/> on (the lanes stay whole).</summary>
        public SgdArgs From(int start) => new(
            Gradient[start..], Velocity.IsEmpty ? Velocity : Velocity[start..], MomentumQ15, Master[start..],
            LearningRateQ, RoundingShift, ValueShift, RngLanes);

        /// <summary>The same operands drawing from other generator lanes.</summary>
        public SgdArgs WithLanes(Span<uint> lanes) => new(
            Gradient, Velocity, MomentumQ15, Master, LearningRateQ, RoundingShift, ValueShift, lanes);
    }
}
