using System.Buffers.Binary;

namespace OnlineLearning.Core.Data;

/// <summary>
/// An IDX array of unsigned bytes: <see cref="Dimensions"/> (the first is the item count) and the items'
/// bytes in row-major order, <see cref="ItemSize"/> bytes each.
/// </summary>
public sealed class IdxArray
{
    private readonly int[] _dimensions;

    internal IdxArray(int[] dimensions, byte[] data)
    {
        _dimensions = dimensions;
        Data = data;
    }

    /// <summary>The dimensions as declared; <see cref="Count"/> may be fewer when a limit was given.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>Items read (the first dimension, or the limit).</summary>
    public int Count => ItemSize == 0 ? 0 : Data.Length / ItemSize;

    /// <summary>Bytes per item: the product of every dimension after the first (1 for a vector).</summary>
    public int ItemSize
    {
        get
        {
            int size = 1;
            for (int d = 1; d < _dimensions.Length; d++)
            {
                size *= _dimensions[d];
            }

            return size;
        }
    }

    public byte[] Data { get; }

    public ReadOnlySpan<byte> Item(int index) => Data.AsSpan(checked(index * ItemSize), ItemSize);
}

/// <summary>
/// Reads IDX files (the MNIST and Fashion-MNIST format): a 4-byte magic (two zero bytes, the element type,
/// the number of dimensions), each dimension as a big-endian int32, then the elements. Only unsigned bytes
/// (type 0x08) are read, which is what the image and label files hold. Declared sizes are checked against
/// the file's length before anything is allocated, and a file must end exactly where its header says.
/// </summary>
public static class IdxFile
{
    /// <summary>The element type the loader reads: unsigned byte.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>More dimensions than this is taken for a damaged header.</summary>
    public const int MaxDimensions = 4;

    /// <summary>Reads <paramref name="path"/>; with <paramref name="limit"/>, only the first items.</summary>
    public static IdxArray Read(string path, int? limit = null)
    {
        if (limit < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "the limit must not be negative");
        }

        if (!File.Exists(path))
        {
            throw new DataFileException(path, 0, "file not found");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(path, stream, magic, 0);
        int[] dimensions = ReadHeader(path, stream, magic);
        long itemSize = 1;
        for (int d = 1; d < dimensions.Length; d++)
        {
            itemSize *= dimensions[d];
        }

        long headerBytes = 4 + (4L * dimensions.Length);
        long declared = headerBytes + (itemSize * dimensions[0]);
        if (stream.Length < declared)
        {
            throw new DataFileException(path, stream.Length,
                $"truncated: the header declares {Shape(dimensions)} = {declared} bytes, the file has {stream.Length}");
        }

        if (stream.Length > declared)
        {
            throw new DataFileException(path, declared,
                $"{stream.Length - declared} bytes after the {Shape(dimensions)} elements the header declares");
        }

        long count = Math.Min(dimensions[0], limit ?? int.MaxValue);
        if (itemSize * count > Array.MaxLength)
        {
            throw new DataFileException(path, headerBytes, $"{Shape(dimensions)} is too large to load at once; pass a limit");
        }

        var data = new byte[itemSize * count];
        ReadExactly(path, stream, data, headerBytes);
        return new IdxArray(dimensions, data);
    }

    /// <summary>
    /// Reads an image file (items of rows x columns) and its label file (one byte per item) as labelled rows:
    /// features are pixel / 255 in [0, 1], row-major. Both files must hold the same number of items.
    /// </summary>
    public static LabelledRows LoadImages(string imagesPath, string labelsPath, int? limit = null)
    {
        IdxArray images = Read(imagesPath, limit);
        IdxArray labels = Read(labelsPath, limit);
        if (images.Dimensions.Count < 2)
        {
            throw new DataFileException(imagesPath, 3L, $"expected images (items x rows x columns), found {images.Dimensions.Count} dimension");
        }

        if (labels.Dimensions.Count != 1)
        {
            throw new DataFileException(labelsPath, 3L, $"expected one label per item (1 dimension), found {labels.Dimensions.Count} dimensions");
        }

        if (images.Dimensions[0] != labels.Dimensions[0])
        {
            throw new DataFileException(labelsPath, 4L,
                $"{labels.Dimensions[0]} labels for the {images.Dimensions[0]} images of {imagesPath}");
        }

        var features = new double[images.Count][];
        var classes = new int[images.Count];
        for (int i = 0; i < features.Length; i++)
        {
            ReadOnlySpan<byte> pixels = images.Item(i);
            var row = new double[pixels.Length];
            for (int p = 0; p < row.Length; p++)
            {
                row[p] = pixels[p] / 255.0;
            }

            features[i] = row;
            classes[i] = labels.Data[i];
        }

        return new LabelledRows(features, classes);
    }

    private static int[] ReadHeader(string path, FileStream stream, ReadOnlySpan<byte> magic)
    {
        if (magic[0] != 0 || magic[1] != 0)
        {
            throw new DataFileException(path, 0L, $"not an IDX file: the magic starts {magic[0]:X2} {magic[1]:X2}, expected 00 00");
        }

        if (magic[2] != UnsignedByte)
        {
            throw new DataFileException(path, 2L, $"element type 0x{magic[2]:X2} is not supported; only unsigned bytes (0x08) are read");
        }

        int rank = magic[3];
        if (rank is < 1 or > MaxDimensions)
        {
            throw new DataFileException(path, 3L, $"{rank} dimensions; expected 1 to {MaxDimensions}");
        }

        Span<byte> bytes = stackalloc byte[4 * MaxDimensions];
        bytes = bytes[..(4 * rank)];
        ReadExactly(path, stream, bytes, 4);
        var dimensions = new int[rank];
        long total = 1;
        for (int d = 0; d < rank; d++)
        {
            int size = BinaryPrimitives.ReadInt32BigEndian(bytes[(4 * d)..]);
            if (size < 1)
            {
                throw new DataFileException(path, 4L + (4 * d), $"dimension {d + 1} is {size}; it must be at least 1");
            }

            // Every dimension fits in an int and the file length in a long, so a product beyond the file's
            // length is caught here, before it can overflow.
            total *= size;
            if (total > stream.Length)
            {
                throw new DataFileException(path, 4L + (4 * d),
                    $"truncated or damaged: dimension {d + 1} is {size}, so the header declares at least {total} elements, more than the file's {stream.Length} bytes");
            }

            dimensions[d] = size;
        }

        return dimensions;
    }

    private static void ReadExactly(string path, Stream stream, Span<byte> buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int read = stream.Read(buffer[done..]);
            if (read == 0)
            {
                throw new DataFileException(path, offset + done, $"truncated: needed {buffer.Length} bytes here, found {done}");
            }

            done += read;
        }
    }

    private static string Shape(int[] dimensions) =>
        dimensions.Length == 0 ? "?" : string.Join('x', dimensions);
}
