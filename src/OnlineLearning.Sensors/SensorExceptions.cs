namespace OnlineLearning.Sensors;

/// <summary>A source or encoder cannot be set up as configured (wrong chip, bad option, missing file).</summary>
public class SensorConfigException : Exception
{
    public SensorConfigException()
    {
    }

    public SensorConfigException(string message)
        : base(message)
    {
    }

    public SensorConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A recording file is malformed. The message names the file, the line or byte offset, and the reason.</summary>
public sealed class RecordingFormatException : SensorConfigException
{
    public RecordingFormatException()
    {
    }

    public RecordingFormatException(string message)
        : base(message)
    {
    }

    public RecordingFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A fault a source detected itself (stuck value, FIFO stall, unparsable sysfs value). Thrown only on the fault
/// path and caught by <see cref="SensorSource"/>, which counts it and recovers.
/// </summary>
public sealed class SensorFaultException : IOException
{
    public SensorFaultException()
    {
    }

    public SensorFaultException(string message)
        : base(message)
    {
    }

    public SensorFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
