using System.Globalization;

namespace OnlineLearning.Core.Data;

/// <summary>How to read a labelled CSV data set (see <see cref="CsvDataset"/>).</summary>
public sealed record CsvDatasetOptions
{
    /// <summary>The label column: a header name, or a 1-based column number such as "3".</summary>
    public required string Label { get; init; }

    /// <summary>
    /// An optional sequence-id column (name or 1-based number). Consecutive rows with the same id form one
    /// sequence, in file order; without it every row is a sample of its own.
    /// </summary>
    public string? SequenceId { get; init; }

    public char Delimiter { get; init; } = ',';

    /// <summary>Whether the first row is a header; null guesses: yes when a column is chosen by name, or when no cell of the first row is a number.</summary>
    public bool? Header { get; init; }
}

/// <summary>
/// A user's labelled data set in CSV: one row per sample (or per time step), one column per feature, a
/// label column, and optionally a sequence-id column that groups consecutive rows into sequences. This is how
/// a board owner's own recordings come in, for example:
/// <code>
/// recording,ax,ay,az,activity
/// walk-01,0.12,-0.98,0.05,walk
/// walk-01,0.15,-0.97,0.02,walk
/// </code>
/// read with <c>new CsvDatasetOptions { Label = "activity", SequenceId = "recording" }</c>.
/// Labels are either non-negative integers (used as they are) or text; text labels become classes 0, 1, ...
/// in ordinal order of their names (<see cref="ClassNames"/>), and a test file uses the training file's
/// classes. Lines that are blank or start with '#' are skipped; fields are not quoted.
/// Errors name the file, the line and the column: a missing column, a value that is not a finite number,
/// a row of another width, an empty file or label, a sequence whose rows are not together.
/// </summary>
public sealed class CsvDataset
{
    /// <summary>A file larger than this is refused before it is read.</summary>
    public const long MaxFileBytes = 1L << 30;

    private CsvDataset(string path, string[] featureNames, string[] classNames, LabelledRows rows, LabelledSteps[] sequences, bool sequential)
    {
        Path = path;
        FeatureNames = featureNames;
        ClassNames = classNames;
        Rows = rows;
        Sequences = sequences;
        IsSequential = sequential;
    }

    public string Path { get; }

    /// <summary>The feature columns' header names, or "column N" without a header.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The label text of class i (for integer labels, "0" to the largest label).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Every row as a sample, in file order (for a sequential set, all steps of all sequences).</summary>
    public LabelledRows Rows { get; }

    /// <summary>The sequences, when a sequence-id column was given; empty otherwise.</summary>
    public IReadOnlyList<LabelledSteps> Sequences { get; }

    public bool IsSequential { get; }

    public int Width => FeatureNames.Count;

    public static CsvDataset Load(string path, CsvDatasetOptions options) =>
        Parse(path, ReadLines(path), options);

    /// <summary>A training file and a test file with the same columns; the test file uses the training file's classes.</summary>
    public static (CsvDataset Train, CsvDataset Test) Load(string trainPath, string testPath, CsvDatasetOptions options)
    {
        CsvDataset train = Load(trainPath, options);
        return (train, Parse(testPath, ReadLines(testPath), options, train));
    }

    /// <summary>Parses CSV lines; <paramref name="path"/> names the file in errors. With <paramref name="training"/>, this is its test file.</summary>
    public static CsvDataset Parse(string path, IReadOnlyList<string> lines, CsvDatasetOptions options, CsvDataset? training = null)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(options);
        var table = new List<(int Line, string[] Cells)>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length > 0 && line[0] != '#')
            {
                table.Add((i + 1, [.. line.Split(options.Delimiter).Select(static c => c.Trim())]));
            }
        }

        if (table.Count == 0)
        {
            throw new DataFileException(path, 0, "no data rows: the file is empty");
        }

        bool byName = !IsNumber(options.Label) || (options.SequenceId is { } s && !IsNumber(s));
        bool header = options.Header ?? (byName || table[0].Cells.All(static c => !double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out _)));
        string[]? names = header ? table[0].Cells : null;
        int width = table[0].Cells.Length;
        int firstLine = table[0].Line;
        int labelColumn = Resolve(path, firstLine, "label", options.Label, names, width);
        int idColumn = options.SequenceId is { } id ? Resolve(path, firstLine, "sequence-id", id, names, width) : -1;
        if (header)
        {
            table.RemoveAt(0);
            if (table.Count == 0)
            {
                throw new DataFileException(path, 0, "no data rows: the file has only a header");
            }
        }

        if (idColumn == labelColumn)
        {
            throw new DataFileException(path, firstLine, "the label and sequence-id columns are the same column");
        }

        int[] featureColumns = [.. Enumerable.Range(0, width).Where(c => c != labelColumn && c != idColumn)];
        if (featureColumns.Length == 0)
        {
            throw new DataFileException(path, firstLine, "no feature columns: every column is the label or the sequence id");
        }

        string[] featureNames = [.. featureColumns.Select(c => names?[c] ?? $"column {c + 1}")];
        if (training is not null && !featureNames.SequenceEqual(training.FeatureNames))
        {
            throw new DataFileException(path, firstLine,
                $"the features ({string.Join(", ", featureNames)}) differ from the training file's ({string.Join(", ", training.FeatureNames)})");
        }

        var features = new double[table.Count][];
        var labelText = new string[table.Count];
        foreach ((int index, (int line, string[] cells)) in table.Index())
        {
            if (cells.Length != width)
            {
                string why = header ? "the header has" : "the first row has";
                throw new DataFileException(path, line, $"expected {width} columns ({why} {width}), found {cells.Length}");
            }

            var row = new double[featureColumns.Length];
            for (int f = 0; f < row.Length; f++)
            {
                row[f] = Feature(path, line, featureColumns[f], names, cells[featureColumns[f]]);
            }

            features[index] = row;
            labelText[index] = cells[labelColumn].Length > 0
                ? cells[labelColumn]
                : throw new DataFileException(path, line, $"{Describe(labelColumn, names)}: the label is empty");
        }

        (int[] labels, string[] classNames) = Classes(path, table, labelText, training);
        var rows = new LabelledRows(features, labels);
        LabelledSteps[] sequences = idColumn < 0 ? [] : Group(path, table, idColumn, features, labels);
        return new CsvDataset(path, featureNames, classNames, rows, sequences, idColumn >= 0);
    }

    private static string[] ReadLines(string path)
    {
        byte[] bytes = BinaryData.ReadAll(path, MaxFileBytes);
        return System.Text.Encoding.UTF8.GetString(bytes).Split('\n');
    }

    private static bool IsNumber(string column) => int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static int Resolve(string path, int line, string role, string column, string[]? names, int width)
    {
        if (int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            return number >= 1 && number <= width
                ? number - 1
                : throw new DataFileException(path, line, $"{role} column {number} does not exist: the file has {width} columns");
        }

        if (names is null)
        {
            throw new DataFileException(path, line, $"{role} column '{column}' is named, but the file has no header; give its number instead");
        }

        int exact = Array.IndexOf(names, column);
        if (exact >= 0)
        {
            return exact;
        }

        int[] loose = [.. Enumerable.Range(0, names.Length).Where(c => names[c].Equals(column, StringComparison.OrdinalIgnoreCase))];
        if (loose.Length == 1)
        {
            return loose[0];
        }

        bool looksLikeData = names.All(static n => double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        throw new DataFileException(path, line, looksLikeData
            ? $"no {role} column '{column}': the first row holds numbers, not column names; give the column's number instead"
            : $"no {role} column '{column}'; the header has: {string.Join(", ", names)}");
    }

    private static double Feature(string path, int line, int column, string[]? names, string cell)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new DataFileException(path, line, $"{Describe(column, names)}: '{cell}' is not a number");
        }

        return double.IsFinite(value)
            ? value
            : throw new DataFileException(path, line, $"{Describe(column, names)}: '{cell}' is not a finite number");
    }

    private static string Describe(int column, string[]? names) =>
        names is null ? $"column {column + 1}" : $"column {column + 1} ({names[column]})";

    // Integer labels stay as they are; text labels become indices in ordinal order of their names. A test
    // file follows its training file's choice.
    private static (int[] Labels, string[] ClassNames) Classes(string path, List<(int Line, string[] Cells)> table, string[] text, CsvDataset? training)
    {
        var labels = new int[text.Length];
        bool numeric = text.All(static t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _));
        bool trainingNumeric = training is null || training.ClassNames.Select((n, i) => n == i.ToString(CultureInfo.InvariantCulture)).All(static b => b);
        if (numeric && trainingNumeric)
        {
            for (int i = 0; i < text.Length; i++)
            {
                labels[i] = int.TryParse(text[i], NumberStyles.None, CultureInfo.InvariantCulture, out int label) && label < 1 << 20
                    ? label
                    : throw new DataFileException(path, table[i].Line, $"label '{text[i]}' is too large for a class index");
            }

            int classes = Math.Max(labels.Max() + 1, training?.ClassNames.Count ?? 0);
            return (labels, [.. Enumerable.Range(0, classes).Select(static c => c.ToString(CultureInfo.InvariantCulture))]);
        }

        string[] names = training is not null ? [.. training.ClassNames] : [.. text.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var index = names.Select((n, i) => (n, i)).ToDictionary(static p => p.n, static p => p.i, StringComparer.Ordinal);
        for (int i = 0; i < text.Length; i++)
        {
            labels[i] = index.TryGetValue(text[i], out int label)
                ? label
                : throw new DataFileException(path, table[i].Line, $"label '{text[i]}' is not a class of the training file ({string.Join(", ", names)})");
        }

        return (labels, names);
    }

    private static LabelledSteps[] Group(string path, List<(int Line, string[] Cells)> table, int idColumn, double[][] features, int[] labels)
    {
        var sequences = new List<LabelledSteps>();
        var ended = new Dictionary<string, int>(StringComparer.Ordinal);
        int start = 0;
        for (int i = 1; i <= table.Count; i++)
        {
            if (i < table.Count && table[i].Cells[idColumn] == table[start].Cells[idColumn])
            {
                continue;
            }

            string id = table[start].Cells[idColumn];
            if (id.Length == 0)
            {
                throw new DataFileException(path, table[start].Line, $"column {idColumn + 1}: the sequence id is empty");
            }

            if (ended.TryGetValue(id, out int endLine))
            {
                throw new DataFileException(path, table[start].Line,
                    $"sequence '{id}' continues after other rows (it ended at line {endLine}); the rows of a sequence must be together");
            }

            ended[id] = table[i - 1].Line;
            sequences.Add(new LabelledSteps(id, features[start..i], labels[start..i]));
            start = i;
        }

        return [.. sequences];
    }
}
