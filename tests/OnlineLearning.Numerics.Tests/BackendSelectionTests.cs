using System.Runtime.InteropServices;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Tests;

/// <summary>Backend names, the default choice and the refusal to run a backend the CPU lacks.</summary>
public sealed class BackendSelectionTests
{
    [Test]
    public void NamesRoundTrip()
    {
        foreach (Backend b in Backends.All)
        {
            Assert.That(Backends.Parse(Backends.Name(b).ToUpperInvariant()), Is.EqualTo(b));
        }

        Assert.That(() => Backends.Parse("avx512"), Throws.ArgumentException.With.Message.Contains("scalar, vector128, neon, x86"));
    }

    [Test]
    public void BestIsTheIsaBackendOfThisMachine()
    {
        Backend expected = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.Arm64 => Backend.Neon,
            Architecture.X64 => Backend.X86,
            _ => Backends.Best(),
        };
        Assert.That(Backends.Best(), Is.EqualTo(expected));
        Assert.That(Backends.Get(Backends.Best()).Backend, Is.EqualTo(expected));
    }

    [Test]
    public void ForcingAMissingBackendFailsClearly()
    {
        Backend missing = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? Backend.X86 : Backend.Neon;
        Assert.That(Backends.IsSupported(missing), Is.False);
        Assert.That(() => Backends.Get(missing),
            Throws.TypeOf<BackendNotSupportedException>().With.Message.Contains("not supported on this CPU"));
    }

    [Test]
    public void EnvironmentVariableSelectsTheDefault()
    {
        string? saved = Environment.GetEnvironmentVariable(Backends.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, "scalar");
            Assert.That(Backends.ResolveDefault(), Is.EqualTo(Backend.Scalar));
            Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, "nonsense");
            Assert.That(Backends.ResolveDefault, Throws.ArgumentException);
            Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "x86" : "neon");
            Assert.That(Backends.ResolveDefault, Throws.TypeOf<BackendNotSupportedException>());
            Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, null);
            Assert.That(Backends.ResolveDefault(), Is.EqualTo(Backends.Best()));
        }
        finally
        {
            Environment.SetEnvironmentVariable(Backends.EnvironmentVariable, saved);
        }
    }

    [Test]
    public void KernelsRejectMismatchedShapes()
    {
        QKernels k = Backends.Get(Backend.Scalar);
        Assert.That(() => k.Add(new short[3], new short[4], new short[3]), Throws.ArgumentException);
        Assert.That(() => k.MatVec(new short[6], 2, 4, new short[4], 0, new int[2]), Throws.ArgumentException);
        Assert.That(() => k.NarrowRound(new int[2], 32, new short[2]), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => k.Clamp(new short[2], 5, 1, new short[2]), Throws.ArgumentException);
    }
}
