using System.Globalization;
using System.Text.Json;

namespace OnlineLearning.Cli.Runs;

/// <summary>A run configuration that cannot be used: the message names the field, the value and the reason. Exit 2.</summary>
internal sealed class RunConfigException : Exception
{
    public RunConfigException()
    {
    }

    public RunConfigException(string message)
        : base(message)
    {
    }

    public RunConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static RunConfigException Field(string field, string value, string reason) =>
        new($"{field}: {value}: {reason}");
}

/// <summary>
/// One JSON object of the run configuration, read through <see cref="JsonElement"/> (no reflection, AOT-safe). Every
/// key read is remembered; <see cref="Finish"/> rejects the keys nobody asked for, so a typo is an error, not a default.
/// </summary>
internal sealed class ConfigObject
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public ConfigObject(JsonElement element, string path)
    {
        Path = path;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RunConfigException.Field(path, Show(element), "must be a JSON object");
        }

        _element = element;
    }

    public string Path { get; }

    public string Name(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key)
    {
        _known.Add(key);
        return _element.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null;
    }

    public JsonElement? Raw(string key)
    {
        _known.Add(key);
        return _element.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    public ConfigObject? Object(string key)
    {
        var raw = Raw(key);
        return raw is null ? null : new ConfigObject(raw.Value, Name(key));
    }

    public string? String(string key, string? fallback, params string[] allowed)
    {
        var raw = Raw(key);
        if (raw is null)
        {
            return fallback;
        }

        if (raw.Value.ValueKind != JsonValueKind.String)
        {
            throw RunConfigException.Field(Name(key), Show(raw.Value), "must be a string");
        }

        string value = raw.Value.GetString()!;
        if (allowed.Length > 0 && !allowed.Contains(value, StringComparer.Ordinal))
        {
            throw RunConfigException.Field(Name(key), $"\"{UserText(value)}\"", $"must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}");
        }

        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        var raw = Raw(key);
        if (raw is null)
        {
            return fallback;
        }

        return raw.Value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw RunConfigException.Field(Name(key), Show(raw.Value), "must be true or false"),
        };
    }

    public double Number(string key, double fallback, double min, double max, string? reason = null)
    {
        var raw = Raw(key);
        if (raw is null)
        {
            return fallback;
        }

        if (raw.Value.ValueKind != JsonValueKind.Number || !raw.Value.TryGetDouble(out double value) || !double.IsFinite(value))
        {
            throw RunConfigException.Field(Name(key), Show(raw.Value), "must be a number");
        }

        if (value < min || value > max)
        {
            throw RunConfigException.Field(Name(key), Show(raw.Value), reason ?? $"must be between {Fmt(min)} and {Fmt(max)}");
        }

        return value;
    }

    public long Whole(string key, long fallback, long min, long max, string? reason = null)
    {
        var raw = Raw(key);
        if (raw is null)
        {
            return fallback;
        }

        if (raw.Value.ValueKind != JsonValueKind.Number || !raw.Value.TryGetInt64(out long value))
        {
            throw RunConfigException.Field(Name(key), Show(raw.Value), "must be a whole number");
        }

        if (value < min || value > max)
        {
            throw RunConfigException.Field(Name(key), Show(raw.Value), reason ?? $"must be between {min} and {max}");
        }

        return value;
    }

    public int Int(string key, int fallback, int min, int max, string? reason = null) => (int)Whole(key, fallback, min, max, reason);

    public string[] Strings(string key)
    {
        var raw = Raw(key);
        if (raw is null)
        {
            return [];
        }

        if (raw.Value.ValueKind != JsonValueKind.Array || raw.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            throw RunConfigException.Field(Name(key), Show(raw.Value), "must be an array of strings");
        }

        return raw.Value.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    /// <summary>Throws for the first key that no reader asked for.</summary>
    public void Finish()
    {
        foreach (var property in _element.EnumerateObject())
        {
            // Keys that start with '_' are comments.
            if (!_known.Contains(property.Name) && !property.Name.StartsWith('_'))
            {
                var known = _known.Order(StringComparer.Ordinal);
                throw RunConfigException.Field(Name(property.Name), Show(property.Value),
                    $"unknown key (known here: {string.Join(", ", known)})");
            }
        }
    }

    public static string Show(JsonElement element)
    {
        string text = element.ValueKind switch
        {
            JsonValueKind.Object => "{...}",
            JsonValueKind.Array => "[...]",
            _ => element.GetRawText(),
        };
        return UserText(text);
    }

    public static string Fmt(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string UserText(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
