using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>The kernel implementations. Names match the <c>OLRT_BACKEND</c> values in lower case.</summary>
public enum Backend
{
    /// <summary>Plain loops: the specification.</summary>
    Scalar,

    /// <summary>Portable <see cref="Vector128{T}"/> bodies; runs wherever the JIT or ILC accelerates Vector128.</summary>
    Vector128,

    /// <summary>AdvSimd / AdvSimd.Arm64 intrinsics (NEON) on arm64.</summary>
    Neon,

    /// <summary>SSE2/SSSE3/SSE4.1 intrinsics on x86-64, with AVX2 256-bit bodies where the CPU has AVX2.</summary>
    X86,
}

/// <summary>Thrown when a backend is requested that this CPU cannot run.</summary>
public sealed class BackendNotSupportedException : Exception
{
    public BackendNotSupportedException(string message)
        : base(message)
    {
    }

    public BackendNotSupportedException()
    {
    }

    public BackendNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Picks the kernels. The default is the best backend the CPU supports, chosen once; it can be forced with
/// the environment variable <c>OLRT_BACKEND=scalar|vector128|neon|x86</c> or with <see cref="Force"/>
/// (the CLI's <c>--backend</c> option). Forcing a backend the CPU lacks throws; it never falls back.
/// </summary>
public static class Backends
{
    public const string EnvironmentVariable = "OLRT_BACKEND";

    private static readonly ScalarKernels ScalarInstance = new();
    private static QKernels? current;

    /// <summary>The kernels every layer uses unless told otherwise.</summary>
    public static QKernels Current => current ??= Get(ResolveDefault());

    /// <summary>All backends, best last.</summary>
    public static IReadOnlyList<Backend> All { get; } = [Backend.Scalar, Backend.Vector128, Backend.Neon, Backend.X86];

    /// <summary>True when this CPU can run <paramref name="backend"/>.</summary>
    public static bool IsSupported(Backend backend) => backend switch
    {
        Backend.Scalar => true,
        Backend.Vector128 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        Backend.Neon => NeonKernels.IsSupported,
        Backend.X86 => X86Kernels.IsSupported,
        _ => false,
    };

    /// <summary>The backends this CPU can run, scalar first.</summary>
    public static IEnumerable<Backend> Available() => All.Where(IsSupported);

    /// <summary>The best backend this CPU supports.</summary>
    public static Backend Best() =>
        IsSupported(Backend.Neon) ? Backend.Neon
        : IsSupported(Backend.X86) ? Backend.X86
        : IsSupported(Backend.Vector128) ? Backend.Vector128
        : Backend.Scalar;

    /// <summary>The kernels for one backend. Throws <see cref="BackendNotSupportedException"/> if the CPU lacks it.</summary>
    public static QKernels Get(Backend backend)
    {
        if (!IsSupported(backend))
        {
            throw new BackendNotSupportedException(
                $"Backend '{Name(backend)}' is not supported on this CPU ({RuntimeInformationText()}). " +
                $"Available: {string.Join(", ", Available().Select(Name))}.");
        }

        return backend switch
        {
            Backend.Vector128 => new Vector128Kernels(),
            Backend.Neon => new NeonKernels(),
            Backend.X86 => new X86Kernels(),
            _ => ScalarInstance,
        };
    }

    /// <summary>Makes <paramref name="backend"/> the process default. Throws if the CPU lacks it.</summary>
    public static void Force(Backend backend) => current = Get(backend);

    /// <summary>Parses a backend name (case-insensitive). Throws <see cref="ArgumentException"/> with the valid names.</summary>
    public static Backend Parse(string name)
    {
        foreach (Backend b in All)
        {
            if (string.Equals(Name(b), name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return b;
            }
        }

        throw new ArgumentException($"Unknown backend '{name}'. Valid backends: {string.Join(", ", All.Select(Name))}.");
    }

    /// <summary>The lower-case name used by <c>OLRT_BACKEND</c> and <c>--backend</c>.</summary>
    public static string Name(Backend backend) => backend switch
    {
        Backend.Scalar => "scalar",
        Backend.Vector128 => "vector128",
        Backend.Neon => "neon",
        Backend.X86 => "x86",
        _ => backend.ToString(),
    };

    /// <summary>The backend named by <c>OLRT_BACKEND</c>, or the best one when it is unset or empty.</summary>
    public static Backend ResolveDefault()
    {
        string? forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(forced))
        {
            return Best();
        }

        Backend backend = Parse(forced);
        if (!IsSupported(backend))
        {
            throw new BackendNotSupportedException(
                $"{EnvironmentVariable}={forced} asks for a backend this CPU lacks ({RuntimeInformationText()}). " +
                $"Available: {string.Join(", ", Available().Select(Name))}.");
        }

        return backend;
    }

    /// <summary>The CPU features the backends depend on, as name/value pairs.</summary>
    public static IReadOnlyList<(string Name, bool Supported)> CpuFeatures() =>
    [
        ("AdvSimd", AdvSimd.IsSupported),
        ("AdvSimd.Arm64", AdvSimd.Arm64.IsSupported),
        ("Rdm", Rdm.IsSupported),
        ("Dp", Dp.IsSupported),
        ("Sse2", Sse2.IsSupported),
        ("Ssse3", Ssse3.IsSupported),
        ("Sse41", Sse41.IsSupported),
        ("Avx2", Avx2.IsSupported),
        ("Vector128 accelerated", System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated),
        ("Vector256 accelerated", Vector256.IsHardwareAccelerated),
    ];

    private static string RuntimeInformationText() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, features: " +
        string.Join(" ", CpuFeatures().Where(f => f.Supported).Select(f => f.Name));
}
