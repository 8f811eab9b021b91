using System.Globalization;
using System.Text;

namespace OnlineLearning.Core.Data;

/// <summary>
/// A time series read from CSV: one row per time step, one column per channel, numbers only. A first line
/// that does not parse as numbers is taken as a header and skipped. Rows are [step][channel].
/// </summary>
public static class CsvSeries
{
    /// <summary>
    /// Reads <paramref name="path"/> (at most <see cref="DataFiles.MaxCsvBytes"/>); <paramref name="expectedColumns"/>
    /// (when not null) must match.
    /// </summary>
    public static double[][] Load(string path, int? expectedColumns = null) =>
        ParseUtf8(path, DataFiles.ReadAllBytes(path, DataFiles.MaxCsvBytes), expectedColumns);

    /// <summary>Parses CSV bytes (UTF-8; invalid sequences become U+FFFD and then fail as "not a number").</summary>
    public static double[][] ParseUtf8(string path, ReadOnlySpan<byte> utf8, int? expectedColumns = null)
    {
        string text = Encoding.UTF8.GetString(utf8);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return Parse(path, text.Split('\n'), expectedColumns);
    }

    /// <summary>Parses CSV text already in memory; <paramref name="path"/> only names it in errors.</summary>
    public static double[][] Parse(string path, IReadOnlyList<string> lines, int? expectedColumns = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var rows = new List<double[]>();
        int? columns = expectedColumns;
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] cells = line.Split(',');
            if (rows.Count == 0 && IsHeader(cells))
            {
                continue;
            }

            if (columns is int expected && cells.Length != expected)
            {
                string why = expectedColumns is null ? "the first row has" : "the model expects";
                throw new DataFileException(path, i + 1, $"expected {expected} columns ({why} {expected}), found {cells.Length}");
            }

            columns = cells.Length;
            rows.Add(ParseRow(path, i + 1, cells));
        }

        if (rows.Count == 0)
        {
            throw new DataFileException(path, 0, "no data rows: the file is empty");
        }

        return rows.ToArray();
    }

    private static double[] ParseRow(string path, int lineNumber, string[] cells)
    {
        var row = new double[cells.Length];
        for (int c = 0; c < cells.Length; c++)
        {
            string cell = cells[c].Trim();
            if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                throw new DataFileException(path, lineNumber, $"column {c + 1}: '{UserText.Echo(cell)}' is not a number");
            }

            if (!double.IsFinite(value))
            {
                throw new DataFileException(path, lineNumber, $"column {c + 1}: '{UserText.Echo(cell)}' is not a finite number");
            }

            row[c] = value;
        }

        return row;
    }

    private static bool IsHeader(string[] cells)
    {
        foreach (string cell in cells)
        {
            string trimmed = cell.Trim();
            if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ||
                trimmed.Equals("nan", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
