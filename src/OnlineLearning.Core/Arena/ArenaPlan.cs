using System.Globalization;
using System.Text;

namespace OnlineLearning.Core.Memory;

/// <summary>
/// The memory plan of a network: named tensors laid out one after another (each 64-byte aligned) in one
/// block. Layers add their tensors while the network is built; <see cref="Allocate"/> then makes the one
/// allocation, after which nothing on the step path allocates.
/// </summary>
public sealed class ArenaPlan
{
    /// <summary>Every tensor starts on a multiple of this many bytes (a cache line).</summary>
    public const int Alignment = 64;

    /// <summary>Name of the int64 tensor holding one saturation counter per tracked tensor.</summary>
    public const string SaturationTensorName = "health.saturations";

    private readonly List<ArenaTensor> _tensors = [];
    private readonly List<ArenaTensor> _tracked = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private int _end;
    private ArenaTensor? _saturations;

    public IReadOnlyList<ArenaTensor> Tensors => _tensors;

    /// <summary>Tensors whose saturation events are counted, in slot order.</summary>
    public IReadOnlyList<ArenaTensor> Tracked => _tracked;

    /// <summary>Bytes the arena allocates, padding included.</summary>
    public int TotalBytes => _end;

    /// <summary>True once <see cref="Allocate"/> ran; the plan is frozen from then on.</summary>
    public bool IsFrozen => _saturations is not null;

    /// <summary>Adds a tensor. Names must be unique. Use <see cref="ArenaTensor.NotFixedPoint"/> for plain integers.</summary>
    public ArenaTensor Add(string name, ArenaElement element, int fracBits, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (IsFrozen)
        {
            throw new InvalidOperationException($"The plan is already allocated; cannot add {name}.");
        }

        if (fracBits >= ArenaElements.Bits(element))
        {
            throw new ArgumentOutOfRangeException(nameof(fracBits), fracBits, $"{name}: too many fractional bits for {ArenaElements.Name(element)}.");
        }

        if (!_names.Add(name))
        {
            throw new ArgumentException($"An arena tensor named {name} already exists.", nameof(name));
        }

        var tensor = new ArenaTensor(name, element, fracBits, count, _end);
        long end = tensor.Offset + (long)tensor.Bytes;
        end = (end + Alignment - 1) / Alignment * Alignment;
        if (end > int.MaxValue)
        {
            throw new InvalidOperationException($"The arena would exceed 2 GiB at {name}.");
        }

        _end = (int)end;
        _tensors.Add(tensor);
        return tensor;
    }

    /// <summary>Registers a tensor for saturation counting and returns its counter slot.</summary>
    public int TrackSaturation(ArenaTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        int existing = _tracked.IndexOf(tensor);
        if (existing >= 0)
        {
            return existing;
        }

        if (IsFrozen)
        {
            throw new InvalidOperationException("The plan is already allocated.");
        }

        _tracked.Add(tensor);
        return _tracked.Count - 1;
    }

    /// <summary>Adds the saturation counters, freezes the plan and makes the one allocation.</summary>
    public Arena Allocate()
    {
        if (!IsFrozen)
        {
            var counters = Add(SaturationTensorName, ArenaElement.Int64, ArenaTensor.NotFixedPoint, Math.Max(1, _tracked.Count));
            _saturations = counters;
        }

        return new Arena(this, _saturations!);
    }

    /// <summary>The plan as a text table: name, storage, Q format, elements, bytes, and the total.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        int width = Math.Max(6, _tensors.Count == 0 ? 0 : _tensors.Max(t => t.Name.Length));
        text.Append(CultureInfo.InvariantCulture, $"{"tensor".PadRight(width)}  {"type",-6}  {"format",-7}  {"elements",10}  {"bytes",10}\n");
        foreach (var t in _tensors)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{t.Name.PadRight(width)}  {ArenaElements.Name(t.Element),-6}  {t.Format,-7}  {t.Count,10}  {t.Bytes,10}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"{"total (aligned)".PadRight(width)}  {string.Empty,-6}  {string.Empty,-7}  {_tensors.Sum(t => (long)t.Count),10}  {TotalBytes,10}\n");
        return text.ToString();
    }
}
