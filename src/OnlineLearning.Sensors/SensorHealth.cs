namespace OnlineLearning.Sensors;

/// <summary>
/// Health counters of one source. Counters are plain fields updated on the read path (no allocation);
/// <see cref="LastFault"/> is a string, built only when a fault happens.
/// </summary>
public sealed class SensorHealth
{
    /// <summary>Frames delivered.</summary>
    public long Frames { get; internal set; }

    /// <summary>Faults seen: I/O errors, NACKs, short reads, stuck values, FIFO overflows, bad values.</summary>
    public long Faults { get; internal set; }

    /// <summary>
    /// Frames the sensor produced that never reached the caller: slots that passed during a fault or while the
    /// caller was late, and FIFO contents discarded on overflow. They are counted, never invented.
    /// </summary>
    public long FramesLost { get; internal set; }

    /// <summary>Attempts made after a fault (each follows a backoff sleep).</summary>
    public long Retries { get; internal set; }

    /// <summary>Times the source re-initialised its device and resumed after a fault.</summary>
    public long Recoveries { get; internal set; }

    /// <summary>Values that did not fit int16 and were clamped.</summary>
    public long Saturations { get; internal set; }

    /// <summary>Text of the most recent fault, or null when there has been none.</summary>
    public string? LastFault { get; internal set; }

    /// <summary>Counts a fault and keeps its text (the caller builds the text only on the fault path).</summary>
    internal void RecordFault(string text)
    {
        Faults++;
        LastFault = text;
    }

    public override string ToString() =>
        $"frames {Frames}, faults {Faults}, lost {FramesLost}, retries {Retries}, recoveries {Recoveries}, saturations {Saturations}" +
        (LastFault is null ? string.Empty : $", last fault: {LastFault}");
}
