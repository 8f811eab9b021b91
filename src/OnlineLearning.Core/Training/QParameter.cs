using OnlineLearning.Core.Memory;
using OnlineLearning.Numerics;

namespace OnlineLearning.Core.Training;

/// <summary>Q formats of one trainable tensor: the int16 working copy, the int32 master and the int32 gradient.</summary>
public readonly record struct ParameterFormats(int ValueFracBits, int MasterFracBits, int GradientFracBits)
{
    /// <summary>Q3.12 values (range ±8), Q7.24 masters, Q11.20 gradients: the SNN and dense default.</summary>
    public static ParameterFormats Default => new(12, 24, 20);
}

/// <summary>
/// A trainable tensor in an arena: the int16 values the step path reads, the wide int32 master copy the
/// optimiser updates (so small updates accumulate instead of vanishing), the int32 gradient accumulator,
/// and, with momentum, an int32 velocity. Row-major [Rows][Cols]. Parameters that feed a wide computation
/// (the LRU's log-parametrised eigenvalues) may hold int32 values instead (<see cref="ValueElement"/>).
/// </summary>
public sealed class QParameter
{
    public QParameter(ArenaPlan plan, string name, int rows, int cols, ParameterFormats formats, bool momentum = false)
        : this(plan, name, rows, cols, formats, ArenaElement.Int16, momentum)
    {
    }

    /// <summary>A parameter whose working values are <paramref name="valueElement"/> (int16 or int32).</summary>
    public QParameter(ArenaPlan plan, string name, int rows, int cols, ParameterFormats formats, ArenaElement valueElement, bool momentum = false)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (formats.MasterFracBits < formats.ValueFracBits)
        {
            throw new ArgumentException("The master copy needs at least as many fractional bits as the values.", nameof(formats));
        }

        if (valueElement is not (ArenaElement.Int16 or ArenaElement.Int32))
        {
            throw new ArgumentOutOfRangeException(nameof(valueElement), valueElement, "Parameter values are int16 or int32.");
        }

        Name = name;
        Rows = rows;
        Cols = cols;
        Formats = formats;
        ValueElement = valueElement;
        Value = plan.Add(name, TensorRole.Parameter, valueElement, formats.ValueFracBits, rows, cols);
        Master = plan.Add(name + ".master", TensorRole.Master, ArenaElement.Int32, formats.MasterFracBits, rows, cols);
        Gradient = plan.Add(name + ".grad", TensorRole.Gradient, ArenaElement.Int32, formats.GradientFracBits, rows, cols);
        Velocity = momentum ? plan.Add(name + ".velocity", TensorRole.OptimizerState, ArenaElement.Int32, formats.GradientFracBits, rows, cols) : null;
        SaturationSlot = plan.TrackSaturation(Value);
        GradientSaturationSlot = plan.TrackSaturation(Gradient);
    }

    public string Name { get; }

    public int Rows { get; }

    public int Cols { get; }

    public int Count => Rows * Cols;

    public ParameterFormats Formats { get; }

    /// <summary>Storage of <see cref="Value"/>: int16 (the default) or int32.</summary>
    public ArenaElement ValueElement { get; }

    public ArenaTensor Value { get; }

    public ArenaTensor Master { get; }

    public ArenaTensor Gradient { get; }

    public ArenaTensor? Velocity { get; }

    /// <summary>Counter slot for saturations of the int16 values (master out of their range).</summary>
    public int SaturationSlot { get; }

    /// <summary>Counter slot for gradient-accumulator saturations detected by the optimiser.</summary>
    public int GradientSaturationSlot { get; }

    /// <summary>Loads real values (config time only): master and working copy.</summary>
    public void Load(Arena arena, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(arena);
        if (values.Length != Count)
        {
            throw new ArgumentException($"{Name}: {values.Length} values for {Count} elements.", nameof(values));
        }

        var master = arena.Int32(Master);
        for (int i = 0; i < values.Length; i++)
        {
            master[i] = (int)QFormat.Quantize(values[i], Formats.MasterFracBits, int.MinValue, int.MaxValue);
        }

        Refresh(arena);
    }

    /// <summary>Recomputes the working values from the masters (round to nearest, saturated). Returns the saturations.</summary>
    public int Refresh(Arena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        ReadOnlySpan<int> master = arena.Int32(Master);
        int shift = Formats.MasterFracBits - Formats.ValueFracBits;
        int saturations = 0;
        if (ValueElement == ArenaElement.Int32)
        {
            var wide = arena.Int32(Value);
            for (int i = 0; i < master.Length; i++)
            {
                wide[i] = Numerics.QMath.ShiftRightRound(master[i], shift);
            }

            return 0;
        }

        var value = arena.Int16(Value);
        for (int i = 0; i < master.Length; i++)
        {
            int narrowed = Numerics.QMath.ShiftRightRound(master[i], shift);
            saturations += narrowed is > short.MaxValue or < short.MinValue ? 1 : 0;
            value[i] = Numerics.QMath.SaturateToInt16(narrowed);
        }

        return saturations;
    }

    /// <summary>Loads a [rows][cols] matrix (config time only).</summary>
    public void Load(Arena arena, double[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var flat = new double[Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i].CopyTo(flat, i * Cols);
        }

        Load(arena, flat);
    }

    /// <summary>The working values in real units (export and tests).</summary>
    public double[] ValuesToDouble(Arena arena) => ValueElement == ArenaElement.Int32
        ? ToDouble(arena.Int32(Value), Formats.ValueFracBits)
        : ToDouble(arena.Int16(Value), Formats.ValueFracBits);

    /// <summary>The master copy in real units (export: more bits than the working values, so re-import is exact).</summary>
    public double[] MastersToDouble(Arena arena)
    {
        ArgumentNullException.ThrowIfNull(arena);
        return ToDouble(arena.Int32(Master), Formats.MasterFracBits);
    }

    /// <summary>The accumulated gradient in real units (export and gradient checks).</summary>
    public double[] GradientToDouble(Arena arena) => ToDouble(arena.Int32(Gradient), Formats.GradientFracBits);

    /// <summary>Zeroes the gradient accumulator.</summary>
    public void ClearGradient(Arena arena) => arena.Clear(Gradient);

    private static double[] ToDouble(ReadOnlySpan<short> raw, int frac)
    {
        var result = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            result[i] = Math.ScaleB(raw[i], -frac);
        }

        return result;
    }

    private static double[] ToDouble(ReadOnlySpan<int> raw, int frac)
    {
        var result = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            result[i] = Math.ScaleB(raw[i], -frac);
        }

        return result;
    }
}
