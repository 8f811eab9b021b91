using System.Device.I2c;

namespace OnlineLearning.Sensors.Simulation;

/// <summary>
/// An I2C chip modelled at register level: a write sets the register pointer (first byte) and stores any further
/// bytes from there; a read returns bytes from the pointer. Faults are injected the way a Linux i2c-dev adapter
/// shows them: a NACK is an <see cref="IOException"/>, a short read delivers part of the buffer and then fails,
/// an absent device NACKs everything and comes back power-cycled (registers at their reset values).
/// </summary>
public abstract class SimulatedI2cDevice : I2cDevice
{
    private bool _present = true;

    protected SimulatedI2cDevice(int busId, int address)
    {
        ConnectionSettings = new I2cConnectionSettings(busId, address);
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>The register the next read starts at.</summary>
    public byte Pointer { get; protected set; }

    /// <summary>The next this-many transfers are not acknowledged.</summary>
    public int NackNextTransfers { get; set; }

    /// <summary>The next this-many reads deliver only <see cref="ShortReadBytes"/> bytes, then fail.</summary>
    public int ShortReadsNext { get; set; }

    public int ShortReadBytes { get; set; } = 1;

    /// <summary>Transfers that failed because of an injected fault.</summary>
    public long InjectedFaults { get; private set; }

    /// <summary>
    /// False: the chip is gone (unplugged, brown-out) and NACKs every transfer. Setting it back to true powers
    /// the chip up again with its registers at their reset values.
    /// </summary>
    public bool Present
    {
        get => _present;
        set
        {
            if (value && !_present)
            {
                PowerOnReset();
            }

            _present = value;
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        CheckAcknowledged();
        if (buffer.IsEmpty)
        {
            return;
        }

        Pointer = buffer[0];
        if (buffer.Length > 1)
        {
            WriteRegisters(Pointer, buffer[1..]);
        }
    }

    public override void WriteByte(byte value)
    {
        CheckAcknowledged();
        Pointer = value;
    }

    public override void Read(Span<byte> buffer)
    {
        CheckAcknowledged();
        if (ShortReadsNext > 0)
        {
            ShortReadsNext--;
            InjectedFaults++;
            int delivered = Math.Min(ShortReadBytes, buffer.Length);
            ReadRegisters(Pointer, buffer[..delivered]);
            throw new IOException($"Simulated short read: {delivered} of {buffer.Length} bytes from register 0x{Pointer:x2}.");
        }

        ReadRegisters(Pointer, buffer);
    }

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    /// <summary>Stores <paramref name="data"/> from register <paramref name="pointer"/> on.</summary>
    protected abstract void WriteRegisters(byte pointer, ReadOnlySpan<byte> data);

    /// <summary>Fills <paramref name="buffer"/> from register <paramref name="pointer"/> on.</summary>
    protected abstract void ReadRegisters(byte pointer, Span<byte> buffer);

    /// <summary>Sets every register to its power-on value.</summary>
    protected abstract void PowerOnReset();

    private void CheckAcknowledged()
    {
        if (!_present)
        {
            InjectedFaults++;
            throw new IOException($"Simulated NACK: no device at 0x{ConnectionSettings.DeviceAddress:x2}.");
        }

        if (NackNextTransfers > 0)
        {
            NackNextTransfers--;
            InjectedFaults++;
            throw new IOException($"Simulated NACK from 0x{ConnectionSettings.DeviceAddress:x2}.");
        }
    }
}
