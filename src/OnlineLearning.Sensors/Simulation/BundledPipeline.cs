using Iot.Device.Ads1115;

namespace OnlineLearning.Sensors.Simulation;

/// <summary>The embedded default with no hardware: the bundled ECG through the real ADS1115 driver path.</summary>
public static class BundledPipeline
{
    /// <summary>
    /// An <see cref="Ads1115Source"/> reading a <see cref="SimulatedAds1115"/> whose input is the bundled MIT-BIH ECG,
    /// converted at the recording's 360 Hz (data-rate bits SPS475, the nearest rate above) and read at 360 Hz.
    /// The same driver calls, pacing and fault handling run as on a board; only the chip is simulated.
    /// </summary>
    public static Ads1115Source EcgThroughAds1115(ISensorClock? clock = null, bool loop = true)
    {
        clock ??= SystemSensorClock.Instance;
        Recording ecg = BundledRecordings.MitBihEcgRecording();
        var chip = SimulatedAds1115.FromRecording(ecg, clock, loop);
        var options = new Ads1115Options { DataRate = DataRate.SPS475, SampleRateHz = ecg.SampleRateHz };
        return new Ads1115Source(chip, options, clock);
    }
}
