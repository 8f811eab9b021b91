using OnlineLearning.Numerics.Conformance;
using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Tests;

/// <summary>Ladder step 6 for the kernels: after warm-up, no kernel on any backend allocates a byte.</summary>
public sealed class AllocationTests
{
    public static IEnumerable<Backend> AvailableBackends() => Backends.Available();

    [TestCaseSource(nameof(AvailableBackends))]
    public void KernelsAllocateNothing(Backend backend)
    {
        IReadOnlyList<(string Kernel, long Bytes)> measured = KernelAllocations.Measure(Backends.Get(backend), length: 131, repeats: 200);
        Assert.That(measured, Has.Count.EqualTo(KernelConformance.Cases.Count));
        Assert.That(measured.Where(m => m.Bytes != 0).Select(m => $"{m.Kernel}: {m.Bytes} bytes"), Is.Empty);
    }

    [Test]
    public void ProbeNoticesAnAllocation()
    {
        // The probe itself must be able to see an allocation, or the test above proves nothing.
        long before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(new short[64]);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.GreaterThan(0));
    }
}
