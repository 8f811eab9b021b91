using OnlineLearning.Core.Models;

namespace OnlineLearning.Reference.Snn;

/// <summary>
/// A forward run of a spiking network over a whole sequence, kept per layer and step: the potential σ before the
/// threshold (s for the SNU, v for the LIF), the spikes y and the surrogate h' = ∂y/∂σ at σ − θ.
/// Indices are [layer][step][neuron].
/// </summary>
public sealed class SnnTrajectory
{
    internal SnnTrajectory(double[][] input, double[][][] potential, double[][][] spikes, double[][][] surrogate)
    {
        Input = input;
        Potential = potential;
        Spikes = spikes;
        Surrogate = surrogate;
    }

    /// <summary>The network input, [step][channel].</summary>
    public double[][] Input { get; }

    /// <summary>σ^l_t before threshold and reset: s_t (SNU, seed 000 Eq. 1) or v_t (LIF, seed 002 2.1).</summary>
    public double[][][] Potential { get; }

    /// <summary>y^l_t = H(σ^l_t − θ^l).</summary>
    public double[][][] Spikes { get; }

    /// <summary>h'^l_t, the surrogate derivative 1/(1 + k|σ − θ|)².</summary>
    public double[][][] Surrogate { get; }

    public int Steps => Input.Length;

    public int LayerCount => Spikes.Length;

    /// <summary>x^l_t: the network input for layer 0, else the spikes of the layer below.</summary>
    public double[] LayerInput(int layer, int t) => layer == 0 ? Input[t] : Spikes[layer - 1][t];

    /// <summary>Total number of spikes emitted by one layer over the sequence.</summary>
    public double SpikeCount(int layer) => Spikes[layer].Sum(row => row.Sum());

    internal static SnnTrajectory Run(SnnSpec spec, double[][] input, SpikeFunction f)
    {
        var trajectory = Begin(spec, input);
        for (int t = 0; t < input.Length; t++)
        {
            for (int l = 0; l < spec.Layers.Count; l++)
            {
                StepLayer(spec, trajectory, l, t, f);
            }
        }

        return trajectory;
    }

    /// <summary>An empty trajectory over the input, filled step by step with <see cref="Advance"/>.</summary>
    internal static SnnTrajectory Begin(SnnSpec spec, double[][] input)
    {
        int layers = spec.Layers.Count;
        var potential = new double[layers][][];
        var spikes = new double[layers][][];
        var surrogate = new double[layers][][];
        for (int l = 0; l < layers; l++)
        {
            potential[l] = new double[input.Length][];
            spikes[l] = new double[input.Length][];
            surrogate[l] = new double[input.Length][];
        }

        return new SnnTrajectory(input, potential, spikes, surrogate);
    }

    /// <summary>Runs step t of every layer with the spec's current parameters (immediate updates change them).</summary>
    internal void Advance(SnnSpec spec, int t)
    {
        for (int l = 0; l < LayerCount; l++)
        {
            StepLayer(spec, this, l, t, SpikeFunction.Heaviside);
        }
    }

    private static void StepLayer(SnnSpec spec, SnnTrajectory run, int l, int t, SpikeFunction f)
    {
        var layer = spec.Layers[l];
        var x = run.LayerInput(l, t);
        int n = layer.Size;
        var sigma = run.Potential[l][t] = new double[n];
        var y = run.Spikes[l][t] = new double[n];
        var h = run.Surrogate[l][t] = new double[n];
        for (int i = 0; i < n; i++)
        {
            double drive = 0;
            for (int j = 0; j < x.Length; j++)
            {
                drive += layer.W[i][j] * x[j];
            }

            double prevSigma = t == 0 ? 0 : run.Potential[l][t - 1][i];
            double prevY = t == 0 ? 0 : run.Spikes[l][t - 1][i];
            double theta = layer.Threshold[i];
            sigma[i] = spec.Neuron == NeuronKind.Snu
                ? drive + (spec.Decay * prevSigma * (1 - prevY))            // seed 000 Eq. 1, g = identity
                : (spec.Decay * (prevSigma - (theta * prevY))) + drive;     // seed 002 2.1: λ U_{t-1} + W x_t
            double u = sigma[i] - theta;                                     // seed 000 Eq. 2 with b = −θ
            y[i] = Spike.Output(f, u, spec.SurrogateSlope);
            h[i] = Spike.Derivative(f, u, spec.SurrogateSlope);
        }
    }
}
