using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OnlineLearning.Core.Tests.Fuzz;

/// <summary>How one fuzz input ended.</summary>
public enum FuzzOutcome
{
    /// <summary>The parser returned a value.</summary>
    Accepted,

    /// <summary>The parser threw one of the project's clean error types.</summary>
    CleanError,

    /// <summary>Another exception, a time or an allocation over budget: a bug.</summary>
    Failure,
}

/// <summary>The tally of a fuzz run, printed into the test log, with the failures kept for the assertion message.</summary>
public sealed class FuzzReport(string name)
{
    private readonly Dictionary<string, int> _byMutator = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public int Inputs { get; private set; }

    public int Accepted { get; private set; }

    public int CleanErrors { get; private set; }

    public List<string> Failures { get; } = [];

    public TimeSpan Slowest { get; private set; }

    public long LargestAllocation { get; private set; }

    public TimeSpan Elapsed { get; internal set; }

    internal void Add(string mutator, FuzzOutcome outcome, TimeSpan time, long allocated, string? failure)
    {
        Inputs++;
        _byMutator[mutator] = _byMutator.GetValueOrDefault(mutator) + 1;
        Slowest = time > Slowest ? time : Slowest;
        LargestAllocation = Math.Max(LargestAllocation, allocated);
        switch (outcome)
        {
            case FuzzOutcome.Accepted:
                Accepted++;
                break;
            case FuzzOutcome.CleanError:
                CleanErrors++;
                break;
            default:
                Failures.Add(failure ?? mutator);
                break;
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"{Name}: {Inputs} inputs, {Accepted} accepted, {CleanErrors} clean errors, {Failures.Count} failures; ");
        sb.Append(CultureInfo.InvariantCulture,
            $"slowest {Slowest.TotalMilliseconds:F1} ms, largest allocation {LargestAllocation / 1024.0:F0} KiB, total {Elapsed.TotalSeconds:F1} s");
        sb.AppendLine();
        sb.Append("  by mutator: ").AppendJoin(", ", _byMutator.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}"));
        return sb.ToString();
    }
}

/// <summary>
/// A seeded, reproducible fuzzer for the file parsers (model JSON, CSV, and later checkpoints). It mutates a
/// corpus of valid files with mutators aimed at the failure classes the parsers must survive, runs a target on
/// each input, and classifies the outcome: accepted, a clean error (the caller says which exception types are
/// clean), or a failure: any other exception, more time than the per-input budget, or more bytes allocated on the
/// thread than the allocation budget. The same seed gives the same inputs, so a failure can be replayed.
/// </summary>
public sealed class SeededFuzzer
{
    /// <summary>Numbers worth trying anywhere a number appears: huge and negative sizes, non-finite literals, edges.</summary>
    public static readonly IReadOnlyList<string> InterestingNumbers =
    [
        "1000000000", "1e9", "-5", "0", "-1", "-0", "1e400", "-1e400", "1e-400", "NaN", "Infinity", "-Infinity", "1e308",
        "-1e308", "2147483648", "-2147483649", "4294967296", "65536", "65537", "1048577", "0.5", "3.5", "710", "1e10",
        "99999999999999999999999", "0x10", "1e", "--1", ".5", "1.7976931348623157e308",
    ];

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80, 0x80], [0xF0, 0x9F],
    ];

    private static readonly string[] Surrogates = ["\\ud800", "\\udc00", "\\udbff\\u0041", "\\ud800\\ud800", "\\uDFFF"];

    private static readonly string[] Structural = ["{", "}", "[", "]", ",", ":", "\"", "\n", "#", "//", "/*", "null", "true", " ", "\r\n", "\0"];

    private readonly Random _random;
    private readonly List<(string Name, Func<byte[], byte[]> Mutate)> _mutators;

    /// <param name="seed">Seed of every choice the fuzzer makes.</param>
    /// <param name="sizeKeys">Keys whose values declare sizes ("size", "N", "inputs"): the size mutator targets them.</param>
    public SeededFuzzer(int seed, IReadOnlyList<string>? sizeKeys = null)
    {
        _random = new Random(seed);
        SizeKeys = sizeKeys ?? [];
        _mutators =
        [
            ("truncate", Truncate),
            ("byte-flip", FlipBytes),
            ("number", ReplaceNumber),
            ("declared-size", ReplaceDeclaredSize),
            ("deep-nesting", DeepNesting),
            ("invalid-utf8", InsertInvalidUtf8),
            ("unpaired-surrogate", InsertSurrogate),
            ("huge-string", HugeString),
            ("structural", InsertStructural),
            ("delete-chunk", DeleteChunk),
            ("duplicate-chunk", DuplicateChunk),
        ];
    }

    public IReadOnlyList<string> SizeKeys { get; }

    /// <summary>Names of the mutators, in the order they are drawn.</summary>
    public IEnumerable<string> MutatorNames => _mutators.Select(m => m.Name);

    /// <summary>Time one input may take before it counts as a hang.</summary>
    public TimeSpan PerInputBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bytes one input may allocate on the parsing thread: a fixed allowance plus a multiple of the input's size.</summary>
    public long AllocationAllowance { get; init; } = 32L << 20;

    /// <inheritdoc cref="AllocationAllowance"/>
    public int AllocationPerInputByte { get; init; } = 64;

    /// <summary>One mutant of a corpus file: one to three mutators stacked.</summary>
    public byte[] Mutate(byte[] input, out string mutators)
    {
        ArgumentNullException.ThrowIfNull(input);
        int count = 1 + (_random.Next(4) == 0 ? _random.Next(1, 3) : 0);
        var names = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            var (name, mutate) = _mutators[_random.Next(_mutators.Count)];
            input = mutate(input);
            names.Add(name);
        }

        mutators = string.Join('+', names);
        return input;
    }

    /// <summary>
    /// Runs <paramref name="target"/> on every truncation of every corpus file (each offset), then on
    /// <paramref name="mutants"/> seeded mutants, on one thread, and returns the tally. A target that does not
    /// return within the whole run's time limit is reported as a hang on the input it was given.
    /// </summary>
    public FuzzReport Run(
        string name, IReadOnlyList<byte[]> corpus, int mutants, Action<byte[]> target, Func<Exception, bool> isClean, TimeSpan totalLimit)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(isClean);
        var report = new FuzzReport(name);
        string current = "(none)";
        var clock = Stopwatch.StartNew();
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try
            {
                foreach (var file in corpus)
                {
                    for (int cut = 0; cut <= file.Length; cut++)
                    {
                        var input = file[..cut];
                        current = Describe("truncate-every-offset", input);
                        RunOne(report, "truncate-every-offset", input, target, isClean);
                    }
                }

                for (int i = 0; i < mutants; i++)
                {
                    var input = Mutate(corpus[_random.Next(corpus.Count)], out string mutators);
                    current = Describe(mutators, input);
                    RunOne(report, mutators.Split('+')[0], input, target, isClean);
                }
            }
            catch (Exception e) when (e is OutOfMemoryException or InsufficientExecutionStackException)
            {
                crash = e;
            }
        }, maxStackSize: 16 << 20);
        thread.Start();
        if (!thread.Join(totalLimit))
        {
            report.Failures.Add($"hang: no result within {totalLimit.TotalSeconds} s on {current}");
            report.Elapsed = clock.Elapsed;
            return report;
        }

        if (crash is not null)
        {
            report.Failures.Add($"{crash.GetType().Name} on {current}");
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    private void RunOne(FuzzReport report, string mutator, byte[] input, Action<byte[]> target, Func<Exception, bool> isClean)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        FuzzOutcome outcome;
        string? failure = null;
        try
        {
            target(input);
            outcome = FuzzOutcome.Accepted;
        }
        catch (Exception e) when (isClean(e))
        {
            outcome = FuzzOutcome.CleanError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            outcome = FuzzOutcome.Failure;
            failure = $"{e.GetType().Name}: {Clip(e.Message)} on {Describe(mutator, input)}";
        }

        var time = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long allowed = AllocationAllowance + ((long)AllocationPerInputByte * input.Length);
        if (outcome != FuzzOutcome.Failure && time > PerInputBudget)
        {
            outcome = FuzzOutcome.Failure;
            failure = $"slow: {time.TotalMilliseconds:F0} ms on {Describe(mutator, input)}";
        }
        else if (outcome != FuzzOutcome.Failure && allocated > allowed)
        {
            outcome = FuzzOutcome.Failure;
            failure = $"allocated {allocated} bytes (allowed {allowed}) on {Describe(mutator, input)}";
        }

        report.Add(mutator, outcome, time, allocated, failure);
    }

    private static string Describe(string mutator, byte[] input) =>
        $"[{mutator}] {input.Length} bytes: {Clip(Encoding.UTF8.GetString(input))}";

    private static string Clip(string s) => s.Length <= 160 ? s : string.Concat(s.AsSpan(0, 160), "…");

    private int Offset(byte[] input) => input.Length == 0 ? 0 : _random.Next(input.Length + 1);

    private static byte[] Splice(byte[] input, int at, int remove, ReadOnlySpan<byte> insert)
    {
        var result = new byte[input.Length - remove + insert.Length];
        input.AsSpan(0, at).CopyTo(result);
        insert.CopyTo(result.AsSpan(at));
        input.AsSpan(at + remove).CopyTo(result.AsSpan(at + insert.Length));
        return result;
    }

    private byte[] Truncate(byte[] input) => input[..Offset(input)];

    private byte[] FlipBytes(byte[] input)
    {
        if (input.Length == 0)
        {
            return input;
        }

        var result = (byte[])input.Clone();
        int flips = 1 + _random.Next(4);
        for (int i = 0; i < flips; i++)
        {
            int at = _random.Next(result.Length);
            result[at] = _random.Next(3) == 0 ? (byte)_random.Next(256) : (byte)(result[at] ^ (1 << _random.Next(8)));
        }

        return result;
    }

    /// <summary>The [start, end) of every run of number characters.</summary>
    private static List<(int Start, int End)> Numbers(byte[] input)
    {
        var spans = new List<(int, int)>();
        for (int i = 0; i < input.Length; i++)
        {
            if (IsNumberByte(input[i]) && (i == 0 || !IsNumberByte(input[i - 1])) && input[i] != (byte)'e' && input[i] != (byte)'E')
            {
                int end = i;
                while (end < input.Length && IsNumberByte(input[end]))
                {
                    end++;
                }

                spans.Add((i, end));
                i = end;
            }
        }

        return spans;
    }

    private static bool IsNumberByte(byte b) => b is (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'+' or (byte)'.' or (byte)'e' or (byte)'E';

    private byte[] ReplaceNumber(byte[] input)
    {
        var numbers = Numbers(input);
        if (numbers.Count == 0)
        {
            return InsertStructural(input);
        }

        var (start, end) = numbers[_random.Next(numbers.Count)];
        string value = InterestingNumbers[_random.Next(InterestingNumbers.Count)];
        return Splice(input, start, end - start, Encoding.ASCII.GetBytes(value));
    }

    /// <summary>The value after a size key ("size": 8 becomes "size": 1000000000, -5, 0, 1e400 ...).</summary>
    private byte[] ReplaceDeclaredSize(byte[] input)
    {
        if (SizeKeys.Count == 0)
        {
            return ReplaceNumber(input);
        }

        string text = Encoding.UTF8.GetString(input);
        string key = $"\"{SizeKeys[_random.Next(SizeKeys.Count)]}\"";
        var hits = new List<int>();
        for (int at = text.IndexOf(key, StringComparison.Ordinal); at >= 0; at = text.IndexOf(key, at + 1, StringComparison.Ordinal))
        {
            hits.Add(at);
        }

        if (hits.Count == 0)
        {
            return ReplaceNumber(input);
        }

        int colon = text.IndexOf(':', hits[_random.Next(hits.Count)]);
        int start = colon + 1;
        while (start < text.Length && text[start] == ' ')
        {
            start++;
        }

        int end = start;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] is '-' or '.' or 'e' or 'E' or '+'))
        {
            end++;
        }

        string[] sizes = ["1000000000", "1e9", "-5", "0", "-1", "1048576", "1048577", "65536", "2147483647", "1e400", "NaN", "2.5", "\"8\"", "[]", "{}"];
        string replaced = string.Concat(text.AsSpan(0, start), sizes[_random.Next(sizes.Length)], text.AsSpan(end));
        return Encoding.UTF8.GetBytes(replaced);
    }

    private byte[] DeepNesting(byte[] input)
    {
        int[] depths = [31, 32, 33, 64, 1000, 100_000];
        int depth = depths[_random.Next(depths.Length)];
        string open = _random.Next(2) == 0 ? "[" : "{\"a\":";
        var sb = new StringBuilder(depth * open.Length * 2);
        for (int i = 0; i < depth; i++)
        {
            sb.Append(open);
        }

        if (_random.Next(2) == 0)
        {
            sb.Append('1');
            for (int i = 0; i < depth; i++)
            {
                sb.Append(open == "[" ? ']' : '}');
            }
        }

        return Splice(input, Offset(input), 0, Encoding.ASCII.GetBytes(sb.ToString()));
    }

    private byte[] InsertInvalidUtf8(byte[] input)
    {
        // Inside a string when there is one, so the reader gets as far as decoding it.
        int quote = Array.IndexOf(input, (byte)'"', Offset(input));
        int at = quote >= 0 ? quote + 1 : Offset(input);
        return Splice(input, at, 0, InvalidUtf8[_random.Next(InvalidUtf8.Length)]);
    }

    private byte[] InsertSurrogate(byte[] input)
    {
        int quote = Array.IndexOf(input, (byte)'"', Offset(input));
        int at = quote >= 0 ? quote + 1 : Offset(input);
        return Splice(input, at, 0, Encoding.ASCII.GetBytes(Surrogates[_random.Next(Surrogates.Length)]));
    }

    private byte[] HugeString(byte[] input)
    {
        int[] lengths = [61, 1000, 100_000, 1_000_000];
        int length = lengths[_random.Next(lengths.Length)];
        byte fill = (byte)"x7,.\"a "[_random.Next(7)];
        var bytes = new byte[length];
        bytes.AsSpan().Fill(fill);
        int quote = Array.IndexOf(input, (byte)'"', Offset(input));
        return Splice(input, quote >= 0 ? quote + 1 : Offset(input), 0, bytes);
    }

    private byte[] InsertStructural(byte[] input) =>
        Splice(input, Offset(input), 0, Encoding.ASCII.GetBytes(Structural[_random.Next(Structural.Length)]));

    private byte[] DeleteChunk(byte[] input)
    {
        int at = Offset(input);
        int length = Math.Min(input.Length - at, 1 + _random.Next(16));
        return Splice(input, at, length, []);
    }

    private byte[] DuplicateChunk(byte[] input)
    {
        int at = Offset(input);
        int length = Math.Min(input.Length - at, 1 + _random.Next(64));
        return Splice(input, Offset(input), 0, input.AsSpan(at, length));
    }
}
