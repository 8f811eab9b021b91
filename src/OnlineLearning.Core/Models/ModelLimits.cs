using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Models;

/// <summary>
/// The ranges every numeric model-file key must fall in, and the size budget a model must fit (docs/models.md).
/// The budget is estimated from the file's dimensions before any parameter is drawn or any arena is built, so
/// a model of 10^12 weights is refused in microseconds instead of running out of memory.
/// </summary>
public static class ModelLimits
{
    /// <summary>Largest arena a model may need: 256 MiB.</summary>
    public const long MaxArenaBytes = 256L << 20;

    /// <summary>
    /// Estimated arena bytes per weight element: the int16 weight, its int32 master copy, its int32 gradient and
    /// one trace or eligibility (int16 or int32). An upper bound for every rule the runtime has.
    /// </summary>
    public const long BytesPerWeight = 16;

    /// <summary>Estimated arena bytes per neuron or LRU state element (states, traces, scratch, per-unit parameters).</summary>
    public const long BytesPerUnit = 256;

    /// <summary>Largest input count, layer size or encoder/decoder size.</summary>
    public const int MaxWidth = 1 << 20;

    /// <summary>Largest LRU state width N.</summary>
    public const int MaxStateWidth = 1 << 16;

    /// <summary>Largest |value| of a weight, bias or gain in a model file.</summary>
    public const double MaxWeight = 1e6;

    /// <summary>Largest threshold θ (thresholds must be positive).</summary>
    public const double MaxThreshold = 1e6;

    /// <summary>Largest surrogate slope k.</summary>
    public const double MaxSurrogateSlope = 1e4;

    /// <summary>ν_log, θ_log and γ_log lie in [MinLog, MaxLog]: exp(±30) keeps λ and γ finite and away from 1 by more than rounding.</summary>
    public const double MinLog = -30;

    /// <inheritdoc cref="MinLog"/>
    public const double MaxLog = 10;

    /// <summary>Largest r_max of the LRU initialisation ring (|λ| stays at least 1e-6 away from 1).</summary>
    public const double MaxRing = 0.999999;

    /// <summary>Accumulates the estimated arena of a model, tensor by tensor, and refuses it when it is over budget.</summary>
    internal sealed class Budget
    {
        private double _bytes;
        private double _largestBytes = -1;
        private string _largest = string.Empty;
        private JsonTree? _largestNode;

        public void Weights(JsonTree node, string tensor, long rows, long cols)
        {
            double bytes = (double)rows * cols * BytesPerWeight;
            _bytes += bytes;
            if (bytes > _largestBytes)
            {
                _largestBytes = bytes;
                _largest = $"{tensor} is {rows} x {cols} values, about {DataFiles.Bytes(bytes)}";
                _largestNode = node;
            }
        }

        public void Units(long units) => _bytes += (double)units * BytesPerUnit;

        public void Check(JsonTree root)
        {
            if (_bytes > MaxArenaBytes)
            {
                throw (_largestNode ?? root).Error(
                    $"the model needs about {DataFiles.Bytes(_bytes)} of arena, over the {DataFiles.Bytes(MaxArenaBytes)} limit " +
                    $"(largest tensor: {_largest})");
            }
        }
    }
}
