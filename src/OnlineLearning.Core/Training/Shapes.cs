namespace OnlineLearning.Core.Training;

/// <summary>Argument checks shared by the training pieces (Numerics keeps its own checks internal).</summary>
internal static class Shapes
{
    public static void SameLength(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Length mismatch: {a} and {b}.");
        }
    }

    public static void SameLength(int a, int b, int c)
    {
        SameLength(a, b);
        SameLength(b, c);
    }

    public static void Matrix(int length, int rows, int cols)
    {
        if ((long)rows * cols != length)
        {
            throw new ArgumentException($"A {rows} x {cols} matrix needs {(long)rows * cols} elements, not {length}.");
        }
    }
}
