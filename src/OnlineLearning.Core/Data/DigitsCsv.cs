namespace OnlineLearning.Core.Data;

/// <summary>
/// Reads scikit-learn's <c>digits.csv</c> (from <c>sklearn/datasets/data/digits.csv.gz</c>, unpacked): 1,797
/// rows of 65 integers, the 8x8 image row-major with intensities 0 to 16, then the digit 0 to 9. Features are
/// returned as intensity / 16 in [0, 1].
/// </summary>
public static class DigitsCsv
{
    public const int Side = 8;

    public const int Pixels = Side * Side;

    public const int MaxIntensity = 16;

    /// <summary>A file larger than this is refused before it is read.</summary>
    public const long MaxFileBytes = 16L << 20;

    public static LabelledRows Load(string path)
    {
        string text = System.Text.Encoding.UTF8.GetString(BinaryData.ReadAll(path, MaxFileBytes));
        return Parse(path, text.Split('\n'));
    }

    /// <summary>Parses the file's lines; <paramref name="path"/> only names it in errors.</summary>
    public static LabelledRows Parse(string path, IReadOnlyList<string> lines)
    {
        var features = new List<double[]>();
        var labels = new List<int>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',');
            if (cells.Length != Pixels + 1)
            {
                throw new DataFileException(path, i + 1, $"expected {Pixels + 1} columns (64 pixels and the digit), found {cells.Length}");
            }

            var row = new double[Pixels];
            for (int c = 0; c < Pixels; c++)
            {
                row[c] = Integer(path, i + 1, c + 1, cells[c], MaxIntensity) / (double)MaxIntensity;
            }

            features.Add(row);
            labels.Add(Integer(path, i + 1, Pixels + 1, cells[Pixels], 9));
        }

        if (features.Count == 0)
        {
            throw new DataFileException(path, 0, "no data rows: the file is empty");
        }

        return new LabelledRows([.. features], [.. labels]);
    }

    private static int Integer(string path, int line, int column, string cell, int max)
    {
        string text = cell.Trim();
        if (!int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int value) ||
            value < 0 || value > max)
        {
            throw new DataFileException(path, line, $"column {column}: '{text}' is not an integer from 0 to {max}");
        }

        return value;
    }
}
