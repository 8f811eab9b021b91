using OnlineLearning.Core.Gradients;

namespace OnlineLearning.Reference;

/// <summary>How close one gradient report is to another: relative max difference and cosine similarity.</summary>
public static class GradientComparison
{
    /// <summary>max |a − b| / max |b| over the named parameters (all of them when none are named).</summary>
    public static double MaxRelativeDifference(GradientReport a, GradientReport b, params string[] names)
    {
        double maxDiff = 0, maxRef = 0;
        foreach (var (x, y) in Pairs(a, b, names))
        {
            for (int i = 0; i < x.Length; i++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(x[i] - y[i]));
                maxRef = Math.Max(maxRef, Math.Abs(y[i]));
            }
        }

        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /// <summary>Cosine similarity of the concatenation of every parameter whose name starts with the prefix.</summary>
    public static double CosineByPrefix(GradientReport a, GradientReport b, string prefix)
    {
        var names = b.Gradients.Select(g => g.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToArray();
        if (names.Length == 0)
        {
            throw new ArgumentException($"no gradient starts with {prefix}", nameof(prefix));
        }

        return Cosine(a, b, names);
    }

    /// <summary>Cosine similarity of the concatenation of the named parameters (all when none are named).</summary>
    public static double Cosine(GradientReport a, GradientReport b, params string[] names)
    {
        double dot = 0, na = 0, nb = 0;
        foreach (var (x, y) in Pairs(a, b, names))
        {
            for (int i = 0; i < x.Length; i++)
            {
                dot += x[i] * y[i];
                na += x[i] * x[i];
                nb += y[i] * y[i];
            }
        }

        // Two zero gradients agree perfectly; one zero gradient against a non-zero one does not.
        if (na == 0 && nb == 0)
        {
            return 1;
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static IEnumerable<(double[] A, double[] B)> Pairs(GradientReport a, GradientReport b, string[] names)
    {
        var selected = names.Length == 0 ? b.Gradients.Select(g => g.Name) : names;
        foreach (string name in selected)
        {
            var x = a[name].Values;
            var y = b[name].Values;
            if (x.Length != y.Length)
            {
                throw new ArgumentException($"{name}: {x.Length} values against {y.Length}");
            }

            yield return (x, y);
        }
    }
}
