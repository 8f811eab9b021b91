using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace OnlineLearning.Core.Data;

/// <summary>
/// The numeric and integer vectors of an R data file (<c>.rda</c>/<c>.RData</c>, as written by <c>save()</c>),
/// by variable name. A small, bounded reader of R's XDR serialisation, not a general one:
/// <list type="bullet">
/// <item>The file starts "RDX2\n" or "RDX3\n", then "X\n" (XDR: big-endian). gzip compression is undone
/// here; bzip2 and xz (which <c>save(compress = "bzip2")</c> and CRAN packages use) are not: decompress
/// with <c>bzip2 -dc</c> or <c>xz -dc</c> first (tools/data/fetch.sh does).</item>
/// <item>Then three int32: the format version (2 or 3), the writing R version, the oldest R that reads it.
/// Version 3 adds an int32 length and the native encoding's name.</item>
/// <item>Then one item: a pairlist of (name, value). Every item starts with an int32 of flags: bits 0-7 the
/// type, bit 8 "is an object", bit 9 "has attributes", bit 10 "has a tag", bits 12-27 the "levels".</item>
/// <item>Types read: NULL (254), symbols (1, a CHARSXP, remembered for back-references 255), pairlists (2:
/// attributes, tag, head, tail), CHARSXP (9: int32 length, -1 for NA, then bytes), logical (10) and integer
/// (13) vectors (int32 length, int32 each, NA = int.MinValue), double vectors (14: big-endian IEEE 754),
/// character vectors (16) and lists (19). A vector's attributes (names, dim, levels, class) follow it.</item>
/// </list>
/// Every declared length is checked against the bytes left before anything is allocated, nesting is
/// limited, and other types (closures, environments, ALTREP compact vectors) are refused with their offset.
/// </summary>
public sealed class RData
{
    /// <summary>A file, or its gzip-expanded content, larger than this is refused.</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>Items nested deeper than this are taken for a damaged file.</summary>
    public const int MaxDepth = 64;

    private readonly string _path;
    private readonly Dictionary<string, object?> _variables;
    private readonly List<string> _names;

    private RData(string path, List<string> names, Dictionary<string, object?> variables)
    {
        _path = path;
        _names = names;
        _variables = variables;
    }

    /// <summary>The variables' names, in file order.</summary>
    public IReadOnlyList<string> Names => _names;

    public bool Contains(string name) => _variables.ContainsKey(name);

    /// <summary>A double, integer or logical vector as doubles (NA becomes NaN).</summary>
    public double[] Numeric(string name)
    {
        switch (Variable(name))
        {
            case double[] doubles:
                return (double[])doubles.Clone();
            case int[] ints:
                return [.. ints.Select(static v => v == int.MinValue ? double.NaN : v)];
            default:
                throw new DataFileException(_path, 0, $"'{name}' is a {Describe(_variables[name])}, not a numeric vector");
        }
    }

    /// <summary>An integer or logical vector, or a double vector of whole numbers, as int32 (NA is an error).</summary>
    public int[] Integers(string name)
    {
        object? value = Variable(name);
        int[] result = value switch
        {
            int[] ints => (int[])ints.Clone(),
            double[] doubles => [.. doubles.Select((v, i) => v == Math.Round(v) && Math.Abs(v) <= int.MaxValue
                ? (int)v
                : throw new DataFileException(_path, 0, $"'{name}'[{i + 1}] is {v}, not a whole number"))],
            _ => throw new DataFileException(_path, 0, $"'{name}' is a {Describe(value)}, not an integer vector"),
        };
        int na = Array.IndexOf(result, int.MinValue);
        if (na >= 0 && value is int[])
        {
            throw new DataFileException(_path, 0, $"'{name}'[{na + 1}] is NA");
        }

        return result;
    }

    public static RData Load(string path)
    {
        byte[] bytes = BinaryData.ReadAll(path, MaxBytes);
        ReadOnlySpan<byte> head = bytes;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
            try
            {
                bytes = BinaryData.ReadBounded(path, gzip, MaxBytes, "the gzip content");
            }
            catch (InvalidDataException e)
            {
                throw new DataFileException(path, 0, $"damaged gzip data: {e.Message}");
            }
        }

        return Parse(path, bytes);
    }

    /// <summary>Parses uncompressed bytes; <paramref name="path"/> only names the file in errors.</summary>
    public static RData Parse(string path, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("BZh"u8))
        {
            throw new DataFileException(path, 0, $"bzip2-compressed; decompress it first: bzip2 -dc {path} > {System.IO.Path.ChangeExtension(path, ".rdata")}");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z']))
        {
            throw new DataFileException(path, 0, $"xz-compressed; decompress it first: xz -dc {path} > {System.IO.Path.ChangeExtension(path, ".rdata")}");
        }

        var reader = new XdrReader(path, bytes);
        reader.ReadHeader();
        var names = new List<string>();
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        reader.ReadTopLevel(names, variables);
        return new RData(path, names, variables);
    }

    private object? Variable(string name) =>
        _variables.TryGetValue(name, out object? value)
            ? value
            : throw new DataFileException(_path, 0, $"no variable '{name}'; the file has {(_names.Count == 0 ? "none" : string.Join(", ", _names))}");

    private static string Describe(object? value) => value switch
    {
        null => "NULL",
        double[] => "double vector",
        int[] => "integer vector",
        string?[] => "character vector",
        object?[] => "list",
        _ => "value of another kind",
    };

    /// <summary>A cursor over XDR bytes that checks every read against the bytes left.</summary>
    private ref struct XdrReader
    {
        private const int SymbolType = 1;
        private const int PairListType = 2;
        private const int CharType = 9;
        private const int LogicalType = 10;
        private const int IntegerType = 13;
        private const int RealType = 14;
        private const int StringType = 16;
        private const int ListType = 19;
        private const int ReferenceType = 255;
        private const int NilType = 254;

        private readonly string _path;
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly List<string?> _references;
        private int _position;

        public XdrReader(string path, ReadOnlySpan<byte> bytes)
        {
            _path = path;
            _bytes = bytes;
            _references = [];
            _position = 0;
        }

        public void ReadHeader()
        {
            if (_bytes.StartsWith("RDX2\n"u8) || _bytes.StartsWith("RDX3\n"u8))
            {
                _position = 5;
            }
            else
            {
                throw Error(0, "not an R data file (expected \"RDX2\\n\" or \"RDX3\\n\")");
            }

            if (!_bytes[_position..].StartsWith("X\n"u8))
            {
                throw Error(_position, "only the XDR format (\"X\\n\") is read, not R's ASCII or native binary formats");
            }

            _position += 2;
            int version = ReadInt();
            if (version is not (2 or 3))
            {
                throw Error(_position - 4, $"serialisation format version {version}; expected 2 or 3");
            }

            ReadInt(); // the R version that wrote the file
            ReadInt(); // the oldest R version that reads it
            if (version == 3)
            {
                int length = ReadInt();
                Take(length, 1, "the native encoding's name");
            }
        }

        public void ReadTopLevel(List<string> names, Dictionary<string, object?> variables)
        {
            int start = _position;
            int flags = ReadInt();
            if ((flags & 0xFF) != PairListType)
            {
                throw Error(start, $"expected a pairlist of variables, found R type {flags & 0xFF}");
            }

            while (true)
            {
                if ((flags & 512) != 0)
                {
                    ReadItem(1);
                }

                string name = (flags & 1024) != 0 && ReadItem(1) is string tag ? tag : $"[{names.Count + 1}]";
                object? value = ReadItem(1);
                if (!variables.TryAdd(name, value))
                {
                    throw Error(start, $"variable '{name}' appears twice");
                }

                names.Add(name);
                start = _position;
                flags = ReadInt();
                if ((flags & 0xFF) == NilType)
                {
                    break;
                }

                if ((flags & 0xFF) != PairListType)
                {
                    throw Error(start, $"expected the next variable or the end of the list, found R type {flags & 0xFF}");
                }
            }

            if (_position != _bytes.Length)
            {
                throw Error(_position, $"{_bytes.Length - _position} bytes after the end of the data");
            }
        }

        private object? ReadItem(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error(_position, $"items nested more than {MaxDepth} deep");
            }

            int start = _position;
            int flags = ReadInt();
            int type = flags & 0xFF;
            bool hasAttributes = (flags & 512) != 0;
            bool hasTag = (flags & 1024) != 0;
            object? value;
            switch (type)
            {
                case NilType:
                case 241: // base environment
                case 242: // empty environment
                case 251: // missing argument
                case 252: // unbound value
                case 253: // global environment
                    return null;
                case ReferenceType:
                    int index = flags >> 8;
                    if (index == 0)
                    {
                        index = ReadInt();
                    }

                    if (index < 1 || index > _references.Count)
                    {
                        throw Error(start, $"reference {index} to an item not read yet ({_references.Count} so far)");
                    }

                    return _references[index - 1];
                case SymbolType:
                    string symbol = ReadItem(depth + 1) as string ?? throw Error(start, "a symbol without a name");
                    _references.Add(symbol);
                    return symbol;
                case CharType:
                    return ReadChars(start);
                case PairListType:
                    var items = new List<object?>();
                    while (true)
                    {
                        if (hasAttributes)
                        {
                            ReadItem(depth + 1);
                        }

                        if (hasTag)
                        {
                            ReadItem(depth + 1);
                        }

                        items.Add(ReadItem(depth + 1));
                        int next = _position;
                        int nextFlags = ReadInt();
                        if ((nextFlags & 0xFF) == NilType)
                        {
                            break;
                        }

                        if ((nextFlags & 0xFF) != PairListType)
                        {
                            _position = next;
                            items.Add(ReadItem(depth + 1)); // a dotted tail
                            break;
                        }

                        hasAttributes = (nextFlags & 512) != 0;
                        hasTag = (nextFlags & 1024) != 0;
                    }

                    return items.ToArray();
                case LogicalType:
                case IntegerType:
                    int count = ReadLength(4, start);
                    var ints = new int[count];
                    for (int i = 0; i < count; i++)
                    {
                        ints[i] = ReadInt();
                    }

                    value = ints;
                    break;
                case RealType:
                    int length = ReadLength(8, start);
                    var doubles = new double[length];
                    for (int i = 0; i < length; i++)
                    {
                        doubles[i] = BinaryPrimitives.ReadDoubleBigEndian(Take(8, 1, "a double"));
                    }

                    value = doubles;
                    break;
                case StringType:
                    int strings = ReadLength(8, start); // each element is at least a flags word and a length
                    var text = new string?[strings];
                    for (int i = 0; i < strings; i++)
                    {
                        int at = _position;
                        if ((ReadInt() & 0xFF) != CharType)
                        {
                            throw Error(at, "a character vector element that is not a CHARSXP");
                        }

                        text[i] = ReadChars(at);
                    }

                    value = text;
                    break;
                case ListType:
                    int elements = ReadLength(4, start);
                    var list = new object?[elements];
                    for (int i = 0; i < elements; i++)
                    {
                        list[i] = ReadItem(depth + 1);
                    }

                    value = list;
                    break;
                default:
                    throw Error(start, $"R type {type} is not supported (only NULL, symbols, pairlists, logical, integer, double and character vectors, and lists)");
            }

            if (hasAttributes)
            {
                ReadItem(depth + 1);
            }

            return value;
        }

        private string? ReadChars(int start)
        {
            int length = ReadInt();
            if (length == -1)
            {
                return null;
            }

            if (length < 0)
            {
                throw Error(start, $"a string of length {length}");
            }

            return Encoding.UTF8.GetString(Take(length, 1, "a string"));
        }

        // A vector length: an int32, or -1 followed by two int32 for R's long vectors. Checked against the
        // bytes left (at least minBytes per element) before the caller allocates.
        private int ReadLength(int minBytes, int start)
        {
            long length = ReadInt();
            if (length == -1)
            {
                length = ((long)ReadInt() << 32) | (uint)ReadInt();
            }

            int left = _bytes.Length - _position;
            if (length < 0 || length > left / minBytes)
            {
                throw Error(start, $"a vector of {length} elements does not fit in the {left} bytes left (at least {minBytes} bytes each)");
            }

            return (int)length;
        }

        private int ReadInt() => BinaryPrimitives.ReadInt32BigEndian(Take(1, 4, "an integer"));

        private ReadOnlySpan<byte> Take(long count, int size, string what)
        {
            long bytes = count * size;
            if (count < 0 || bytes > _bytes.Length - _position)
            {
                throw Error(_position, $"truncated: {what} needs {bytes} bytes, {_bytes.Length - _position} are left");
            }

            ReadOnlySpan<byte> span = _bytes.Slice(_position, (int)bytes);
            _position += (int)bytes;
            return span;
        }

        private readonly DataFileException Error(long offset, string problem) => new(_path, offset, problem);
    }
}
