using System.Device.Gpio;

namespace OnlineLearning.Sensors.Tests;

/// <summary>A GPIO driver whose input levels the test sets.</summary>
internal sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly PinValue[] _levels = new PinValue[64];

    public void SetLevel(int pin, PinValue value) => _levels[pin] = value;

    public bool IsOpen(int pin) => _modes.ContainsKey(pin);

    protected override int PinCount => _levels.Length;

    protected override void OpenPin(int pinNumber) => _modes[pinNumber] = PinMode.Input;

    protected override void ClosePin(int pinNumber) => _modes.Remove(pinNumber);

    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[pinNumber] = mode;

    protected override PinMode GetPinMode(int pinNumber) => _modes[pinNumber];

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => _levels[pinNumber];

    protected override void Write(int pinNumber, PinValue value) => _levels[pinNumber] = value;

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        new() { TimedOut = true };

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
    }
}
