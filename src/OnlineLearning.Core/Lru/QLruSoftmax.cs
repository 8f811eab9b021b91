using OnlineLearning.Numerics;
using OnlineLearning.Numerics.Functions;

namespace OnlineLearning.Core.Lru;

/// <summary>Softmax cross-entropy error in the LRU formats: dL/dŷ = softmax(ŷ) · Σtarget − target, all Q24.</summary>
internal static class QLruSoftmax
{
    public static void Error(ReadOnlySpan<int> output, ReadOnlySpan<int> target, Span<int> error)
    {
        int max = int.MinValue;
        foreach (int o in output)
        {
            max = Math.Max(max, o);
        }

        long sum = 0, mass = 0;
        for (int k = 0; k < output.Length; k++)
        {
            // Q24 logits to the Q16 input of Exp; e^(o − max) in Q30.
            int e = QFunctions.Exp(QMath.ShiftRightRound(QMath.SubSat(output[k], max), 8), 30);
            error[k] = e;
            sum += e;
            mass += target[k];
        }

        for (int k = 0; k < output.Length; k++)
        {
            long p = ((long)error[k] << 24) / Math.Max(sum, 1);        // Q24
            error[k] = QMath.SaturateToInt32(((p * mass) >> 24) - target[k]);
        }
    }
}
