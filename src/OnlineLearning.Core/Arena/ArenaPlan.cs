using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
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

    /// <summary>Adds a vector tensor. Names must be unique. Use <see cref="ArenaTensor.NotFixedPoint"/> for plain integers.</summary>
    public ArenaTensor Add(string name, TensorRole role, ArenaElement element, int fracBits, int count) =>
        Add(name, role, element, fracBits, 1, count);

    /// <summary>Adds a row-major [rows][cols] tensor. Names must be unique.</summary>
    public ArenaTensor Add(string name, TensorRole role, ArenaElement element, int fracBits, int rows, int cols)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
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

        long bytes = (long)rows * cols * ArenaElements.Size(element);
        long end = _end + bytes;
        end = (end + Alignment - 1) / Alignment * Alignment;
        if (end > int.MaxValue)
        {
            throw new InvalidOperationException($"The arena would exceed 2 GiB at {name}.");
        }

        var tensor = new ArenaTensor(name, role, element, ArenaElements.Format(element, fracBits), rows, cols, _end);
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
            var counters = Add(SaturationTensorName, TensorRole.Control, ArenaElement.Int64, ArenaTensor.NotFixedPoint, Math.Max(1, _tracked.Count));
            _saturations = counters;
        }

        return new Arena(this, _saturations!);
    }

    /// <summary>
    /// A stable 64-bit hash (XxHash64, seed 0) of every tensor's name, role, element type, fractional bits and
    /// shape, in plan order. Two networks whose fingerprints match lay out the same learning state in the same
    /// way, so a checkpoint of one loads into the other; offsets follow from the list and are not hashed.
    /// </summary>
    public ulong Fingerprint()
    {
        var hash = new XxHash64();
        Span<byte> fields = stackalloc byte[11];
        foreach (var t in _tensors)
        {
            hash.Append(Encoding.UTF8.GetBytes(t.Name));
            fields[0] = (byte)t.Role;
            fields[1] = (byte)t.Element;
            fields[2] = (byte)(sbyte)t.FracBits;
            BinaryPrimitives.WriteInt32LittleEndian(fields[3..], t.Rows);
            BinaryPrimitives.WriteInt32LittleEndian(fields[7..], t.Cols);
            hash.Append(fields);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>The fingerprint as 16 hex digits.</summary>
    public string FingerprintText => Fingerprint().ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Bytes per role (unaligned sums), for plan summaries and benchmarks.</summary>
    public IReadOnlyDictionary<TensorRole, long> BytesByRole()
    {
        var sums = new SortedDictionary<TensorRole, long>();
        foreach (var t in _tensors)
        {
            sums[t.Role] = sums.GetValueOrDefault(t.Role) + t.Bytes;
        }

        return sums;
    }

    /// <summary>The plan as a text table: name, role, storage, Q format, shape, bytes; the total and the fingerprint.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        int width = Math.Max(6, _tensors.Count == 0 ? 0 : _tensors.Max(t => t.Name.Length));
        text.Append(CultureInfo.InvariantCulture, $"{"tensor".PadRight(width)}  {"role",-9}  {"type",-6}  {"format",-7}  {"shape",-11}  {"bytes",10}\n");
        foreach (var t in _tensors)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{t.Name.PadRight(width)}  {TensorRoles.Name(t.Role),-9}  {ArenaElements.Name(t.Element),-6}  {t.FormatText,-7}  {t.ShapeText,-11}  {t.Bytes,10}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"{"total (aligned)".PadRight(width)}  {string.Empty,-9}  {string.Empty,-6}  {string.Empty,-7}  {string.Empty,-11}  {TotalBytes,10}\n");
        foreach (var (role, bytes) in BytesByRole())
        {
            text.Append(CultureInfo.InvariantCulture, $"  {TensorRoles.Name(role),-9} {bytes,10} bytes\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"fingerprint {FingerprintText}\n");
        return text.ToString();
    }
}
