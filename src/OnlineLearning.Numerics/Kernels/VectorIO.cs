using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OnlineLearning.Numerics.Kernels;

/// <summary>Unaligned vector loads and stores at an element offset of a span, shared by the SIMD backends.</summary>
/// <remarks>Callers guarantee offset + vector length is within the span; the loops' bounds do that.</remarks>
internal static class VectorIO
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load128<T>(ReadOnlySpan<T> x, int i) =>
        Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load128<T>(Span<T> x, int i) =>
        Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store128<T>(Vector128<T> v, Span<T> x, int i) =>
        v.StoreUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load256<T>(ReadOnlySpan<T> x, int i) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load256<T>(Span<T> x, int i) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store256<T>(Vector256<T> v, Span<T> x, int i) =>
        v.StoreUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    /// <summary>Four int16 values from <paramref name="i"/> as one 64-bit load.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadFour(ReadOnlySpan<short> x, int i) => MemoryMarshal.Read<long>(MemoryMarshal.AsBytes(x.Slice(i, 4)));
}
