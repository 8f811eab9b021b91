using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Functions;

namespace OnlineLearning.Core.Training;

/// <summary>
/// Losses in fixed point. Each writes the error signal dE/d(output) as int16 in a caller-chosen format and
/// returns the loss value as int64 for reporting (never used on the learning path).
/// </summary>
public static class QLosses
{
    /// <summary>Fractional bits of the cross-entropy loss value.</summary>
    public const int CrossEntropyFracBits = QLog.FracBits;

    /// <summary>
    /// Per-step MSE, seed 000 Eq. 17: E = ½ Σ (output − target)². output and target share <paramref name="fracBits"/>;
    /// error = output − target is written with <paramref name="errorFracBits"/> (saturated). Returns E in Q(2·fracBits),
    /// with the ½ taken by a rounding shift. Returns the saturation count of the error through <paramref name="saturations"/>.
    /// </summary>
    public static long MeanSquaredError(
        ReadOnlySpan<int> output, ReadOnlySpan<short> target, int fracBits, Span<short> error, int errorFracBits, out int saturations)
    {
        Shapes.SameLength(output.Length, target.Length, error.Length);
        long sum = 0;
        saturations = 0;
        for (int i = 0; i < output.Length; i++)
        {
            long e = (long)output[i] - target[i];
            sum += e * e;
            long scaled = Rescale(e, fracBits, errorFracBits);
            if (scaled is > short.MaxValue or < short.MinValue)
            {
                saturations++;
            }

            error[i] = QMath.SaturateToInt16(scaled);
        }

        return QMath.ShiftRightRound(sum, 1);
    }

    /// <summary>
    /// Softmax cross-entropy with an integer label: E = ln Σ exp(o) − o[label]. error = softmax(o) − onehot(label)
    /// in <paramref name="errorFracBits"/> (at most 15). <paramref name="scratch"/> (length of logits) receives exp values.
    /// Returns E in Q16 (<see cref="CrossEntropyFracBits"/>).
    /// </summary>
    public static long SoftmaxCrossEntropy(
        ReadOnlySpan<int> logits, int fracBits, int label, Span<short> error, int errorFracBits, Span<int> scratch)
    {
        Shapes.SameLength(logits.Length, error.Length, scratch.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, logits.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errorFracBits, 15);
        long sum = ExpShifted(logits, fracBits, scratch, out int max);

        for (int i = 0; i < logits.Length; i++)
        {
            // p in Q(errorFracBits), rounded: (e * 2^f + sum/2) / sum.
            long p = (((long)scratch[i] << errorFracBits) + (sum >> 1)) / sum;
            long onehot = i == label ? 1L << errorFracBits : 0;
            error[i] = QMath.SaturateToInt16(p - onehot);
        }

        long logSum = QLog.Ln(sum, 30);   // ln Σ exp(o − max)
        long margin = Rescale((long)max - logits[label], fracBits, CrossEntropyFracBits);
        return logSum + margin;
    }

    /// <summary>
    /// Softmax cross-entropy against a target distribution t (one-hot or probabilities) held in Q(targetFracBits):
    /// E = Σ_i t_i (ln Σ exp(o) − o_i); error = softmax(o) − t in Q(errorFracBits ≤ 15). Returns E in Q16.
    /// </summary>
    public static long SoftmaxCrossEntropy(
        ReadOnlySpan<int> logits, int fracBits, ReadOnlySpan<short> target, int targetFracBits, Span<short> error, int errorFracBits, Span<int> scratch)
    {
        Shapes.SameLength(logits.Length, target.Length, error.Length);
        Shapes.SameLength(logits.Length, scratch.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errorFracBits, 15);
        long sum = ExpShifted(logits, fracBits, scratch, out int max);

        long logSum = QLog.Ln(sum, 30);
        long loss = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            long p = (((long)scratch[i] << errorFracBits) + (sum >> 1)) / sum;
            long t = Rescale(target[i], targetFracBits, errorFracBits);
            error[i] = QMath.SaturateToInt16(p - t);
            if (target[i] != 0)
            {
                long nll = logSum + Rescale((long)max - logits[i], fracBits, CrossEntropyFracBits);
                loss += QMath.ShiftRightRound(nll * target[i], targetFracBits);
            }
        }

        return loss;
    }

    /// <summary>
    /// Per-step MSE with int32 errors (for deep stacks whose small errors int16 would round away):
    /// E = ½ Σ (output − target)², output and target in Q(fracBits), error = output − target in
    /// Q(errorFracBits), saturated to int32. Returns E in Q(fracBits).
    /// </summary>
    public static long MeanSquaredError(
        ReadOnlySpan<int> output, ReadOnlySpan<int> target, int fracBits, Span<int> error, int errorFracBits, out int saturations)
    {
        Shapes.SameLength(output.Length, target.Length, error.Length);
        long sum = 0;
        saturations = 0;
        for (int i = 0; i < output.Length; i++)
        {
            long e = Math.Clamp((long)output[i] - target[i], int.MinValue, int.MaxValue);
            sum += QMath.ShiftRightRound(e * e, fracBits + 1);
            long scaled = Rescale(e, fracBits, errorFracBits);
            error[i] = QMath.SaturateToInt32(scaled);
            saturations += error[i] == scaled ? 0 : 1;
        }

        return sum;
    }

    /// <summary>
    /// Softmax cross-entropy against a target row t in Q(targetFracBits) with int32 errors:
    /// E = Σ_i t_i (ln Σ exp(o) − o_i), error = softmax(o) · Σt − t in Q(errorFracBits ≤ 30), the exact
    /// gradient also for a target whose mass is not 1. Returns E in Q16.
    /// </summary>
    public static long SoftmaxCrossEntropy(
        ReadOnlySpan<int> logits, int fracBits, ReadOnlySpan<int> target, int targetFracBits, Span<int> error, int errorFracBits, Span<int> scratch)
    {
        Shapes.SameLength(logits.Length, target.Length, error.Length);
        Shapes.SameLength(logits.Length, scratch.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errorFracBits, 30);
        long sum = ExpShifted(logits, fracBits, scratch, out int max);
        long mass = 0;
        foreach (int t in target)
        {
            mass += t;
        }

        long logSum = QLog.Ln(sum, 30);
        long loss = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            long p = (((long)scratch[i] << errorFracBits) + (sum >> 1)) / sum;
            long t = Rescale(target[i], targetFracBits, errorFracBits);
            error[i] = QMath.SaturateToInt32(QMath.ShiftRightRound(p * mass, targetFracBits) - t);
            if (target[i] != 0)
            {
                long nll = logSum + Rescale((long)max - logits[i], fracBits, CrossEntropyFracBits);
                loss += QMath.ShiftRightRound(nll * target[i], targetFracBits);
            }
        }

        return loss;
    }

    /// <summary>Index of the largest value (first on ties).</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> values)
        where T : System.Numerics.IComparisonOperators<T, T, bool>
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    // exp(o − max) in Q30 into scratch; each is in (0, 1], so the sum fits easily in int64.
    private static long ExpShifted(ReadOnlySpan<int> logits, int fracBits, Span<int> scratch, out int max)
    {
        max = int.MinValue;
        foreach (int o in logits)
        {
            max = Math.Max(max, o);
        }

        long sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            long diff = (long)logits[i] - max;
            int xQ16 = QMath.SaturateToInt32(fracBits <= 16 ? diff << (16 - fracBits) : diff >> (fracBits - 16));
            scratch[i] = QFunctions.Exp(xQ16, 30);
            sum += scratch[i];
        }

        return sum;
    }

    private static long Rescale(long value, int fromFrac, int toFrac) =>
        toFrac >= fromFrac ? value << (toFrac - fromFrac) : QMath.ShiftRightRound(value, fromFrac - toFrac);
}
