namespace OnlineLearning.Sensors;

/// <summary>Recordings embedded in this assembly, for running with no hardware attached.</summary>
public static class BundledRecordings
{
    private const string MitBihEcgResource = "OnlineLearning.Sensors.Recordings.mitbih-ecg.olrc";

    /// <summary>
    /// 3 minutes of MIT-BIH record 208 (lead MLII, 360 Hz) as OLRC: int16 counts, 0 fractional bits, 200 counts per
    /// mV. Provenance, licence and checksums are in Recordings/mitbih-ecg.md.
    /// </summary>
    public static Stream MitBihEcg() =>
        typeof(BundledRecordings).Assembly.GetManifestResourceStream(MitBihEcgResource)
        ?? throw new InvalidOperationException($"The embedded resource {MitBihEcgResource} is missing from the build.");

    /// <summary>The bundled ECG, parsed.</summary>
    public static Recording MitBihEcgRecording()
    {
        using Stream stream = MitBihEcg();
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return Recording.ReadOlrc(bytes, "mitbih-ecg.olrc");
    }
}
