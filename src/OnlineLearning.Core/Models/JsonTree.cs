using System.Text;
using System.Text.Json;
using OnlineLearning.Core.Data;

namespace OnlineLearning.Core.Models;

/// <summary>
/// A parsed JSON document that remembers the line of every value, so that a model file's errors can say
/// where the problem is ("model.json:14: layers[0].W has 7 rows, expected 8"). Built with Utf8JsonReader:
/// no reflection, safe for NativeAOT.
/// </summary>
public sealed class JsonTree
{
    private readonly Dictionary<string, JsonTree>? _members;
    private readonly List<JsonTree>? _items;

    private JsonTree(JsonValueKind kind, int line, string path, string file)
    {
        Kind = kind;
        Line = line;
        Path = path;
        File = file;
        if (kind == JsonValueKind.Object)
        {
            _members = new Dictionary<string, JsonTree>(StringComparer.Ordinal);
        }
        else if (kind == JsonValueKind.Array)
        {
            _items = [];
        }
    }

    public JsonValueKind Kind { get; }

    /// <summary>1-based line where the value starts.</summary>
    public int Line { get; }

    /// <summary>Where the value sits in the document, like "layers[0].W".</summary>
    public string Path { get; }

    /// <summary>The file the document came from, for error messages.</summary>
    public string File { get; }

    public double Number { get; private set; }

    public string? Text { get; private set; }

    public bool Boolean { get; private set; }

    public IReadOnlyList<JsonTree> Items => _items ?? throw Error($"{Describe()} is not an array");

    public static JsonTree Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new DataFileException(path, 0, "file not found");
        }

        return Parse(path, System.IO.File.ReadAllBytes(path));
    }

    public static JsonTree Parse(string file, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new DataFileException(file, 0, "the file is empty");
        }

        var lineStarts = LineStarts(utf8);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
            {
                throw new DataFileException(file, 0, "the file is empty");
            }

            var root = ReadValue(ref reader, lineStarts, string.Empty, file);
            if (reader.Read())
            {
                throw new DataFileException(file, LineOf(lineStarts, reader.TokenStartIndex), "unexpected content after the end of the document");
            }

            return root;
        }
        catch (JsonException e)
        {
            int line = (int)(e.LineNumber ?? -1) + 1;
            string why = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0];
            throw new DataFileException(file, line, $"not valid JSON: {why}");
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

    public int AsInt(int min = int.MinValue, int max = int.MaxValue)
    {
        double v = AsDouble();
        if (v != Math.Floor(v) || v < min || v > max)
        {
            throw Error($"{Describe()} must be a whole number in [{min}, {max}], not {v}");
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
    public double[] AsVector(int length)
    {
        var items = Items;
        if (items.Count != length)
        {
            throw Error($"{Describe()} has {items.Count} values, expected {length}");
        }

        var v = new double[length];
        for (int i = 0; i < length; i++)
        {
            v[i] = items[i].AsDouble();
        }

        return v;
    }

    /// <summary>A [rows][cols] numeric array.</summary>
    public double[][] AsMatrix(int rows, int cols)
    {
        var items = Items;
        if (items.Count != rows)
        {
            throw Error($"{Describe()} has {items.Count} rows, expected {rows}");
        }

        var m = new double[rows][];
        for (int r = 0; r < rows; r++)
        {
            m[r] = items[r].AsVector(cols);
        }

        return m;
    }

    /// <summary>An error at this value's line.</summary>
    public DataFileException Error(string problem) => new(File, Line, problem);

    private string Describe() => Path.Length == 0 ? "the document" : Path;

    private static JsonTree ReadValue(ref Utf8JsonReader reader, List<long> lineStarts, string path, string file)
    {
        int line = LineOf(lineStarts, reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var obj = new JsonTree(JsonValueKind.Object, line, path, file);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string name = reader.GetString()!;
                    reader.Read();
                    string child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!obj._members!.TryAdd(name, ReadValue(ref reader, lineStarts, child, file)))
                    {
                        throw new DataFileException(file, line, $"\"{child}\" appears twice");
                    }
                }

                return obj;
            case JsonTokenType.StartArray:
                var arr = new JsonTree(JsonValueKind.Array, line, path, file);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    arr._items!.Add(ReadValue(ref reader, lineStarts, $"{path}[{arr._items.Count}]", file));
                }

                return arr;
            case JsonTokenType.Number:
                return new JsonTree(JsonValueKind.Number, line, path, file) { Number = reader.GetDouble() };
            case JsonTokenType.String:
                return new JsonTree(JsonValueKind.String, line, path, file) { Text = reader.GetString() };
            case JsonTokenType.True:
            case JsonTokenType.False:
                return new JsonTree(reader.TokenType == JsonTokenType.True ? JsonValueKind.True : JsonValueKind.False, line, path, file)
                {
                    Boolean = reader.TokenType == JsonTokenType.True,
                };
            default:
                return new JsonTree(JsonValueKind.Null, line, path, file);
        }
    }

    private static List<long> LineStarts(ReadOnlySpan<byte> utf8)
    {
        var starts = new List<long> { 0 };
        for (int i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static int LineOf(List<long> lineStarts, long offset)
    {
        int index = lineStarts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    /// <summary>Writes text as UTF-8 for <see cref="Parse"/>; convenient in tests.</summary>
    public static JsonTree ParseText(string file, string json) => Parse(file, Encoding.UTF8.GetBytes(json));
}
