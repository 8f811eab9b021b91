using OnlineLearning.Numerics.Conformance;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Tests;

/// <summary>
/// Ladder step 1: every SIMD backend this CPU can run returns the scalar specification's bits for every
/// kernel, on every length 0..67 and some long ones, random, edge-value and small inputs from a fixed
/// seed, and unaligned slices. On x86 this covers vector128 and x86 (SSE and AVX2 bodies); on arm64
/// (the qemu run in tools/test.sh) it covers vector128 and neon.
/// </summary>
public sealed class ConformanceTests
{
    public static IEnumerable<TestCaseData> BackendKernelPairs()
    {
        foreach (Backend backend in Backends.Available().Where(b => b != Backend.Scalar))
        {
            foreach (ConformanceCase testCase in KernelConformance.Cases)
            {
                yield return new TestCaseData(backend, testCase.Kernel).SetName($"{Backends.Name(backend)}.{testCase.Kernel}");
            }
        }
    }

    [TestCaseSource(nameof(BackendKernelPairs))]
    public void BackendMatchesScalarBitForBit(Backend backend, string kernel)
    {
        ConformanceCase testCase = KernelConformance.Cases.Single(c => c.Kernel == kernel);
        List<string> failures = KernelConformance.RunCase(testCase, Backends.Get(backend));
        Assert.That(failures, Is.Empty, () => string.Join(Environment.NewLine, failures.Take(5)));
    }

    [Test]
    public void AtLeastOneSimdBackendIsCheckedOnThisCpu()
    {
        Assert.That(Backends.Available().Count(b => b != Backend.Scalar), Is.GreaterThanOrEqualTo(2),
            "Both the portable Vector128 backend and the ISA backend (x86 or neon) should run on the test machines.");
    }

    [Test]
    public void SuiteCoversEveryPublicKernel()
    {
        string[] kernels = typeof(QKernels).GetMethods()
            .Where(m => m.DeclaringType == typeof(QKernels) && m.IsPublic && !m.IsSpecialName)
            .Select(m => m.Name).Distinct().ToArray();
        string[] covered = KernelConformance.Cases.Select(c => c.Kernel.Split('(')[0]).Distinct().ToArray();
        Assert.That(covered, Is.EquivalentTo(kernels));
    }

    [Test]
    public void SuiteCatchesTheX86MultiplyHighTrap()
    {
        // A backend that forgot the PMULHRSW fix-up: -32768 * -32768 wraps to -32768 instead of saturating.
        List<string> failures = KernelConformance.RunCase(KernelConformance.Cases.Single(c => c.Kernel == "ScaleQ15"), new WrappingMultiplyKernels());
        Assert.That(failures, Is.Not.Empty);
    }

    [Test]
    public void SuiteCatchesAWrongTail()
    {
        List<string> failures = KernelConformance.RunCase(KernelConformance.Cases.Single(c => c.Kernel == "Add(int16)"), new DroppedTailKernels());
        Assert.That(failures, Is.Not.Empty);
        Assert.That(failures, Has.All.Not.Contains("length 64,"), "only lengths with a tail should fail");
    }

    /// <summary>A deliberately wrong backend: PMULHRSW semantics without the saturation of -32768 * -32768.</summary>
    private sealed class WrappingMultiplyKernels : ScalarKernels
    {
        protected override void ScaleQ15Core(ReadOnlySpan<short> x, short scale, Span<short> dst)
        {
            for (int i = 0; i < dst.Length; i++)
            {
                dst[i] = unchecked((short)(((x[i] * scale) + (1 << 14)) >> 15));
            }
        }
    }

    /// <summary>A deliberately wrong backend: processes whole blocks of 8 and forgets the tail.</summary>
    private sealed class DroppedTailKernels : ScalarKernels
    {
        protected override void AddCore(ReadOnlySpan<short> x, ReadOnlySpan<short> y, Span<short> dst)
        {
            int whole = dst.Length & ~7;
            for (int i = 0; i < whole; i++)
            {
                dst[i] = QMath.AddSat(x[i], y[i]);
            }
        }
    }
}
