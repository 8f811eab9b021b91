namespace OnlineLearning.Numerics.Kernels;

/// <summary>Argument checks shared by the kernels. They throw; they never allocate on success.</summary>
internal static class Check
{
    public static void SameLength(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Span lengths differ: {a} and {b}.");
        }
    }

    public static void SameLength(int a, int b, int c)
    {
        if (a != b || a != c)
        {
            throw new ArgumentException($"Span lengths differ: {a}, {b} and {c}.");
        }
    }

    public static void Matrix(int length, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != length)
        {
            throw new ArgumentException($"A {rows} x {cols} matrix needs {(long)rows * cols} elements, not {length}.");
        }
    }

    public static void Shift(int shift, int min, int max)
    {
        if (shift < min || shift > max)
        {
            throw new ArgumentOutOfRangeException(nameof(shift), shift, $"Shift must be in [{min}, {max}].");
        }
    }
}
