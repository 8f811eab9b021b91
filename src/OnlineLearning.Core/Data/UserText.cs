using System.Globalization;
using System.Text;

namespace OnlineLearning.Core.Data;

/// <summary>
/// Echoes user-supplied text (a CSV cell, a JSON string, an option value) inside an error message: at most
/// <see cref="MaxEcho"/> characters, then "…", with control characters escaped so the message stays one line.
/// A 3 MB cell must not make a 3 MB error line.
/// </summary>
public static class UserText
{
    /// <summary>Characters of a user value kept in a message.</summary>
    public const int MaxEcho = 60;

    public static string Echo(string? value)
    {
        if (value is null)
        {
            return string.Empty;
        }

        int keep = Math.Min(value.Length, MaxEcho);
        if (keep < value.Length && keep > 0 && char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        var sb = new StringBuilder(keep + 8);
        for (int i = 0; i < keep; i++)
        {
            char c = value[i];
            if (char.IsControl(c) || (char.IsSurrogate(c) && !IsPairedAt(value, i)))
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        if (keep < value.Length)
        {
            sb.Append('…');
        }

        return sb.ToString();
    }

    /// <summary>A number as it appears in messages: shortest round-trip form, invariant culture.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool IsPairedAt(string s, int i) =>
        char.IsHighSurrogate(s[i])
            ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])
            : i > 0 && char.IsHighSurrogate(s[i - 1]);
}
