using System.Text;
using System.Text.Json;
using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Models;

/// <summary>
/// A parsed JSON document that remembers the line of every value, so that a model file's errors can say
/// where the problem is ("model.json:14: layers[0].W has 7 rows, expected 8"). Built with Utf8JsonReader:
/// no reflection, safe for NativeAOT.
/// </summary>
/// <remarks>
/// Every input is either a tree or a <see cref="DataFileException"/>: invalid UTF-8, unpaired surrogate escapes,
/// non-finite numbers (1e400), nesting deeper than <see cref="MaxDepth"/> and files over
/// <see cref="DataFiles.MaxModelBytes"/> are errors. Arrays of plain numbers are stored as one double[] with a
/// line per value, and paths ("layers[0].W[3]") are built only when a message needs them, so the tree costs a
/// bounded multiple of the file's size.
/// </remarks>
public sealed class JsonTree
{
    /// <summary>Deepest nesting of objects and arrays accepted (a model file needs 4).</summary>
    public const int MaxDepth = 32;

    private readonly Dictionary<string, JsonTree>? _members;
    private List<JsonTree>? _items;
    private List<double>? _numbers;
    private List<int>? _numberLines;
    private readonly JsonTree? _parent;
    private readonly string? _name;
    private readonly int _index;

    private JsonTree(JsonValueKind kind, int line, JsonTree? parent, string? name, int index, string file)
    {
        Kind = kind;
        Line = line;
        _parent = parent;
        _name = name;
        _index = index;
        File = file;
        if (kind == JsonValueKind.Object)
        {
            _members = new Dictionary<string, JsonTree>(StringComparer.Ordinal);
        }
        else if (kind == JsonValueKind.Array)
        {
            _numbers = [];
            _numberLines = [];
        }
    }

    public JsonValueKind Kind { get; }

    /// <summary>1-based line where the value starts.</summary>
    public int Line { get; }

    /// <summary>Where the value sits in the document, like "layers[0].W".</summary>
    public string Path
    {
        get
        {
            if (_parent is null)
            {
                return string.Empty;
            }

            string parent = _parent.Path;
            if (_name is null)
            {
                return $"{parent}[{_index}]";
            }

            string name = UserText.Echo(_name);
            return parent.Length == 0 ? name : $"{parent}.{name}";
        }
    }

    /// <summary>The file the document came from, for error messages.</summary>
    public string File { get; }

    public double Number { get; private set; }

    public string? Text { get; private set; }

    public bool Boolean { get; private set; }

    public IReadOnlyList<JsonTree> Items
    {
        get
        {
            if (Kind != JsonValueKind.Array)
            {
                throw Error($"{Describe()} is not an array");
            }

            MaterialiseNumbers();
            return _items!;
        }
    }

    /// <summary>Elements of an array (0 for anything else), without building a node per number.</summary>
    public int Count => _numbers?.Count ?? _items?.Count ?? 0;

    /// <summary>Reads a model file, at most <see cref="DataFiles.MaxModelBytes"/>.</summary>
    public static JsonTree Load(string path) => Parse(path, DataFiles.ReadAllBytes(path, DataFiles.MaxModelBytes));

    public static JsonTree Parse(string file, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new DataFileException(file, 0, "the file is empty");
        }

        // The reader's own limit sits above ours so that ours, with its clearer message, trips first.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            MaxDepth = MaxDepth + 2,
        });
        var lines = new LineCounter();
        try
        {
            if (!reader.Read())
            {
                throw new DataFileException(file, 0, "the file is empty");
            }

            var root = ReadValue(ref reader, utf8, ref lines, null, null, 0, file);
            if (reader.Read())
            {
                throw new DataFileException(file, lines.LineOf(utf8, reader.TokenStartIndex), "unexpected content after the end of the document");
            }

            return root;
        }
        catch (JsonException e)
        {
            int line = (int)Math.Min(e.LineNumber ?? -1, int.MaxValue - 1) + 1;
            string why = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
            throw new DataFileException(file, line, $"not valid JSON: {UserText.Echo(why)}");
        }
        catch (InvalidOperationException)
        {
            // Utf8JsonReader.GetString: invalid UTF-8 or an escaped surrogate without its pair.
            throw new DataFileException(file, lines.LineOf(utf8, reader.TokenStartIndex),
                "not valid JSON: a string holds invalid UTF-8 or an unpaired surrogate (\\ud800-\\udfff) escape");
        }
    }

    /// <summary>A member that must be present.</summary>
    public JsonTree this[string name] =>
        Find(name) ?? throw Error($"{Describe()} has no \"{name}\"");

    /// <summary>A member that may be absent (absent and null are the same).</summary>
    public JsonTree? Find(string name)
    {
        if (_members is null)
        {
            throw Error($"{Describe()} is not an object");
        }

        return _members.TryGetValue(name, out var v) && v.Kind != JsonValueKind.Null ? v : null;
    }

    public double AsDouble()
    {
        if (Kind != JsonValueKind.Number)
        {
            throw Error($"{Describe()} must be a number");
        }

        return Number;
    }

    /// <summary>A number in [min, max] (an end is open when its flag says so); the error names the value and the range.</summary>
    public double AsDouble(double min, double max, bool minOpen = false, bool maxOpen = false)
    {
        double v = AsDouble();
        if (!InRange(v, min, max, minOpen, maxOpen))
        {
            throw Error($"{Describe()} must be in {Range(min, max, minOpen, maxOpen)}, not {UserText.Number(v)}");
        }

        return v;
    }

    public int AsInt(int min = int.MinValue, int max = int.MaxValue)
    {
        double v = AsDouble();
        if (v != Math.Floor(v) || v < min || v > max)
        {
            throw Error($"{Describe()} must be a whole number in [{min}, {max}], not {UserText.Number(v)}");
        }

        return (int)v;
    }

    public string AsString()
    {
        if (Kind != JsonValueKind.String)
        {
            throw Error($"{Describe()} must be a string");
        }

        return Text!;
    }

    /// <summary>A numeric array of exactly <paramref name="length"/> numbers.</summary>
    public double[] AsVector(int length) => AsVector(length, double.MinValue, double.MaxValue);

    /// <summary>A numeric array of exactly <paramref name="length"/> numbers, each in [min, max] ((min, max] when <paramref name="minOpen"/>).</summary>
    public double[] AsVector(int length, double min, double max, bool minOpen = false)
    {
        if (Kind != JsonValueKind.Array)
        {
            throw Error($"{Describe()} is not an array");
        }

        if (Count != length)
        {
            throw Error($"{Describe()} has {Count} values, expected {length}");
        }

        var v = new double[length];
        for (int i = 0; i < length; i++)
        {
            if (_numbers is not null)
            {
                v[i] = _numbers[i];
                if (!InRange(v[i], min, max, minOpen, false))
                {
                    throw new DataFileException(File, _numberLines![i],
                        $"{Describe()}[{i}] must be in {Range(min, max, minOpen, false)}, not {UserText.Number(v[i])}");
                }
            }
            else
            {
                v[i] = _items![i].AsDouble(min, max, minOpen);
            }
        }

        return v;
    }

    /// <summary>A [rows][cols] numeric array.</summary>
    public double[][] AsMatrix(int rows, int cols) => AsMatrix(rows, cols, double.MinValue, double.MaxValue);

    /// <summary>A [rows][cols] numeric array, each value in [min, max].</summary>
    public double[][] AsMatrix(int rows, int cols, double min, double max)
    {
        if (Kind != JsonValueKind.Array)
        {
            throw Error($"{Describe()} is not an array");
        }

        if (Count != rows)
        {
            throw Error($"{Describe()} has {Count} rows, expected {rows}");
        }

        var items = Items;
        var m = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            m[r] = items[r].AsVector(cols, min, max);
        }

        return m;
    }

    /// <summary>An error at this value's line.</summary>
    public DataFileException Error(string problem) => new(File, Line, problem);

    /// <summary>Writes text as UTF-8 for <see cref="Parse"/>; convenient in tests.</summary>
    public static JsonTree ParseText(string file, string json) => Parse(file, Encoding.UTF8.GetBytes(json));

    internal static string Range(double min, double max, bool minOpen, bool maxOpen) =>
        $"{(minOpen ? "(" : "[")}{UserText.Number(min)}, {UserText.Number(max)}{(maxOpen ? ")" : "]")}";

    private static bool InRange(double v, double min, double max, bool minOpen, bool maxOpen) =>
        (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);

    private string Describe() => _parent is null ? "the document" : Path;

    /// <summary>Turns the compact numbers of an array into nodes (only when a caller walks the items).</summary>
    private void MaterialiseNumbers()
    {
        if (_numbers is null)
        {
            return;
        }

        _items = new List<JsonTree>(_numbers.Count);
        for (int i = 0; i < _numbers.Count; i++)
        {
            _items.Add(new JsonTree(JsonValueKind.Number, _numberLines![i], this, null, i, File) { Number = _numbers[i] });
        }

        _numbers = null;
        _numberLines = null;
    }

    private static JsonTree ReadValue(
        ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ref LineCounter lines, JsonTree? parent, string? name, int index, string file)
    {
        int line = lines.LineOf(utf8, reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                if (reader.CurrentDepth >= MaxDepth)
                {
                    throw new DataFileException(file, line, $"nested more than {MaxDepth} levels deep");
                }

                return reader.TokenType == JsonTokenType.StartObject
                    ? ReadObject(ref reader, utf8, ref lines, new JsonTree(JsonValueKind.Object, line, parent, name, index, file))
                    : ReadArray(ref reader, utf8, ref lines, new JsonTree(JsonValueKind.Array, line, parent, name, index, file));
            case JsonTokenType.Number:
                return new JsonTree(JsonValueKind.Number, line, parent, name, index, file) { Number = ReadNumber(ref reader, parent, name, index, file, line) };
            case JsonTokenType.String:
                return new JsonTree(JsonValueKind.String, line, parent, name, index, file) { Text = reader.GetString() };
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new JsonTree(reader.TokenType == JsonTokenType.True ? JsonValueKind.True : JsonValueKind.False, line, parent, name, index, file)
                {
                    Boolean = reader.TokenType == JsonTokenType.True,
                };
            default:
                return new JsonTree(JsonValueKind.Null, line, parent, name, index, file);
        }
    }

    private static JsonTree ReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ref LineCounter lines, JsonTree obj)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            var child = ReadValue(ref reader, utf8, ref lines, obj, name, 0, obj.File);
            if (!obj._members!.TryAdd(name, child))
            {
                throw new DataFileException(obj.File, child.Line, $"\"{child.Path}\" appears twice");
            }
        }

        return obj;
    }

    private static JsonTree ReadArray(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ref LineCounter lines, JsonTree arr)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int index = arr.Count;
            if (reader.TokenType == JsonTokenType.Number && arr._numbers is not null)
            {
                int line = lines.LineOf(utf8, reader.TokenStartIndex);
                arr._numbers.Add(ReadNumber(ref reader, arr, null, index, arr.File, line));
                arr._numberLines!.Add(line);
            }
            else
            {
                arr.MaterialiseNumbers();
                arr._items!.Add(ReadValue(ref reader, utf8, ref lines, arr, null, index, arr.File));
            }
        }

        return arr;
    }

    private static double ReadNumber(ref Utf8JsonReader reader, JsonTree? parent, string? name, int index, string file, int line)
    {
        if (!reader.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            string text = Encoding.UTF8.GetString(reader.ValueSpan);
            string where = new JsonTree(JsonValueKind.Null, line, parent, name, index, file).Path;
            throw new DataFileException(file, line, $"{(where.Length == 0 ? "the document" : where)}: {UserText.Echo(text)} is not a finite number (beyond ±1.8e308)");
        }

        return value;
    }

    /// <summary>
    /// Maps byte offsets to 1-based lines by counting newlines forward from the last offset asked for: tokens come in
    /// order, so the whole document costs one pass and no table of line starts.
    /// </summary>
    private struct LineCounter
    {
        private long _offset;
        private int _line;

        public int LineOf(ReadOnlySpan<byte> utf8, long offset)
        {
            if (_line == 0 || offset < _offset)
            {
                _offset = 0;
                _line = 1;
            }

            long end = Math.Min(offset, utf8.Length);
            if (end > _offset)
            {
                _line += utf8[(int)_offset..(int)end].Count((byte)'\n');
                _offset = end;
            }

            return _line;
        }
    }
}
