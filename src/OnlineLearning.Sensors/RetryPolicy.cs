namespace OnlineLearning.Sensors;

/// <summary>
/// How a source retries after a fault: it sleeps <see cref="InitialBackoff"/>, doubling up to
/// <see cref="MaxBackoff"/>, and returns <see cref="SensorReadResult.Fault"/> to the caller after
/// <see cref="MaxAttemptsPerRead"/> failed attempts so the loop can report and carry on; the next read resumes
/// the backoff where it stopped.
/// </summary>
public sealed record RetryPolicy(TimeSpan InitialBackoff, TimeSpan MaxBackoff, int MaxAttemptsPerRead)
{
    public static RetryPolicy Default { get; } = new(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1), 8);

    internal void Validate()
    {
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff || MaxAttemptsPerRead < 1)
        {
            throw new SensorConfigException(
                $"Retry policy needs 0 < initial backoff <= max backoff and at least one attempt per read; got {this}.");
        }
    }
}
