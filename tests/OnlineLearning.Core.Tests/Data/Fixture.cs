namespace OnlineLearning.Core.Tests.Data;

/// <summary>Paths of the committed fixtures, and scratch files for malformed variants of them.</summary>
internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Data", "Fixtures", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));

    /// <summary>Writes <paramref name="bytes"/> to a fresh file in a per-test scratch directory.</summary>
    public static string Write(string name, byte[] bytes)
    {
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "olrt-data-tests", TestContext.CurrentContext.Test.ID);
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public static string WriteText(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));
}
