using System.Device.Gpio;

namespace OnlineLearning.Sensors;

/// <summary>
/// A label from a GPIO input (a push button or a reference sensor's digital output): 1 when the pin is active,
/// else 0. Reading goes through <see cref="GpioController.Read(int)"/> and allocates nothing.
/// </summary>
public sealed class GpioLabelSource : IDisposable
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly PinValue _active;
    private readonly bool _ownsController;

    /// <param name="controller">The controller; disposed with this object when <paramref name="ownsController"/>.</param>
    /// <param name="pin">The pin number in the controller's numbering scheme.</param>
    /// <param name="activeLow">True when the line reads low while the label is on (a button to ground).</param>
    /// <param name="mode">Input, InputPullUp or InputPullDown.</param>
    /// <param name="ownsController">Dispose the controller with this source.</param>
    public GpioLabelSource(GpioController controller, int pin, bool activeLow = false, PinMode mode = PinMode.Input, bool ownsController = false)
    {
        ArgumentNullException.ThrowIfNull(controller);
        if (mode is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown))
        {
            throw new SensorConfigException($"GPIO label pin {pin}: mode {mode} is not an input mode.");
        }

        _controller = controller;
        _pin = pin;
        _active = activeLow ? PinValue.Low : PinValue.High;
        _ownsController = ownsController;
        try
        {
            controller.OpenPin(pin, mode);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new SensorConfigException($"GPIO label pin {pin}: {ex.Message}", ex);
        }

        Describe = $"gpio pin {pin} ({mode}, active {(activeLow ? "low" : "high")})";
    }

    public string Describe { get; }

    /// <summary>1 when the pin is at its active level, else 0.</summary>
    public short Read() => _controller.Read(_pin) == _active ? (short)1 : (short)0;

    public void Dispose()
    {
        if (_controller.IsPinOpen(_pin))
        {
            _controller.ClosePin(_pin);
        }

        if (_ownsController)
        {
            _controller.Dispose();
        }
    }
}
