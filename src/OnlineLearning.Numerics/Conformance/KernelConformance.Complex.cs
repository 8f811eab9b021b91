using OnlineLearning.Numerics.Kernels;

namespace OnlineLearning.Numerics.Conformance;

/// <summary>Conformance checks of the complex recurrence kernels: outputs and saturation counts must match.</summary>
public static partial class KernelConformance
{
    private static string? ComplexRecurrence(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int lambdaShift = 1 + (n % 62), uShift = n % 32;
        int[] lr = r.Ints(n, p), li = r.Ints(n, p), ur = r.Ints(n, p), ui = r.Ints(n, p), hr0 = r.Ints(n, p), hi0 = r.Ints(n, p);
        int[] hrExpected = (int[])hr0.Clone(), hiExpected = (int[])hi0.Clone();
        Memory<int> hrActual = TestVectors.Unaligned(hr0, o), hiActual = TestVectors.Unaligned(hi0, (o + 1) % 4);
        int satExpected = s.ComplexDiagonalRecurrence(lr, li, lambdaShift, hrExpected, hiExpected, ur, ui, uShift);
        int satActual = c.ComplexDiagonalRecurrence(
            TestVectors.Unaligned(lr, o).Span, li, lambdaShift, hrActual.Span, hiActual.Span, ur, TestVectors.Unaligned(ui, o).Span, uShift);
        return Compare<int>(hrExpected, hrActual.Span) ?? Compare<int>(hiExpected, hiActual.Span)
            ?? (satExpected == satActual ? null : $"saturation count: expected {satExpected}, got {satActual}");
    }

    private static string? ComplexTrace(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3), lambdaShift = 1 + (n % 62), xShift = n % 63;
        int[] lr = r.Ints(rows, p), li = r.Ints(rows, p), scale = r.Ints(rows, p), er0 = r.Ints(rows * n, p), ei0 = r.Ints(rows * n, p);
        short[] x = r.Shorts(n, p);
        int[] erExpected = (int[])er0.Clone(), eiExpected = (int[])ei0.Clone();
        Memory<int> erActual = TestVectors.Unaligned(er0, o), eiActual = TestVectors.Unaligned(ei0, (o + 2) % 4);
        int satExpected = s.ComplexTraceUpdate(erExpected, eiExpected, rows, n, lr, li, lambdaShift, scale, x, xShift);
        int satActual = c.ComplexTraceUpdate(erActual.Span, eiActual.Span, rows, n, lr, li, lambdaShift, scale, TestVectors.Unaligned(x, o).Span, xShift);
        return Compare<int>(erExpected, erActual.Span) ?? Compare<int>(eiExpected, eiActual.Span)
            ?? (satExpected == satActual ? null : $"saturation count: expected {satExpected}, got {satActual}");
    }

    private static string? ComplexTraceAccumulate(QKernels s, QKernels c, TestVectors r, int n, InputPattern p, int o)
    {
        int rows = 1 + (n % 3), lambdaShift = 1 + (n % 62), xShift = n % 63, gShift = 1 + ((n * 7) % 62);
        int[] lr = r.Ints(rows, p), li = r.Ints(rows, p), scale = r.Ints(rows, p), gr = r.Ints(rows, p), gi = r.Ints(rows, p);
        int[] er0 = r.Ints(rows * n, p), ei0 = r.Ints(rows * n, p), ar0 = r.Ints(rows * n, p), ai0 = r.Ints(rows * n, p);
        short[] x = r.Shorts(n, p);
        int[] erE = (int[])er0.Clone(), eiE = (int[])ei0.Clone(), arE = (int[])ar0.Clone(), aiE = (int[])ai0.Clone();
        Memory<int> erA = TestVectors.Unaligned(er0, o), eiA = TestVectors.Unaligned(ei0, o);
        Memory<int> arA = TestVectors.Unaligned(ar0, (o + 1) % 4), aiA = TestVectors.Unaligned(ai0, (o + 3) % 4);
        int satExpected = s.ComplexTraceUpdateAccumulate(erE, eiE, rows, n, lr, li, lambdaShift, scale, x, xShift, gr, gi, gShift, arE, aiE);
        int satActual = c.ComplexTraceUpdateAccumulate(
            erA.Span, eiA.Span, rows, n, lr, li, lambdaShift, scale, x, xShift, gr, gi, gShift, arA.Span, aiA.Span);
        return Compare<int>(erE, erA.Span) ?? Compare<int>(eiE, eiA.Span) ?? Compare<int>(arE, arA.Span) ?? Compare<int>(aiE, aiA.Span)
            ?? (satExpected == satActual ? null : $"saturation count: expected {satExpected}, got {satActual}");
    }
}
