namespace OnlineLearning.Core.Lru;

/// <summary>Every buffer of one fixed-point LRU layer: parameters, derived values, state, traces, gradients, scratch.</summary>
internal sealed class LruTensors
{
    public LruTensors(int n, int h)
    {
        int nh = n * h;
        NuLog = new int[n]; ThetaLog = new int[n]; GammaLog = new int[n];
        LambdaRe = new int[n]; LambdaIm = new int[n]; Gamma = new int[n]; ExpNu = new int[n]; ExpTheta = new int[n]; Zero = new int[n];
        BReMaster = new int[nh]; BImMaster = new int[nh]; CReMaster = new int[nh]; CImMaster = new int[nh]; DMaster = new int[h];
        BRe = new short[nh]; BIm = new short[nh]; CRe = new short[nh]; CIm = new short[nh]; D = new short[h];
        HRe = new int[n]; HIm = new int[n]; HPrevRe = new int[n]; HPrevIm = new int[n];
        BxRe = new int[n]; BxIm = new int[n]; BxPrevRe = new int[n]; BxPrevIm = new int[n]; URe = new int[n]; UIm = new int[n];
        ELambdaRe = new int[n]; ELambdaIm = new int[n]; EGammaRe = new int[n]; EGammaIm = new int[n];
        EBRe = new int[nh]; EBIm = new int[nh];
        X = new short[h]; XPrev = new short[h]; HqRe = new short[n]; HqIm = new short[n]; YRe = new int[h]; YIm = new int[h];
        GRe = new int[n]; GIm = new int[n]; AccRe = new long[n]; AccIm = new long[n]; AccX = new long[h];
        GradBRe = new int[nh]; GradBIm = new int[nh]; GradCRe = new int[nh]; GradCIm = new int[nh]; GradD = new int[h];
        GradLambdaRe = new long[n]; GradLambdaIm = new long[n]; GradGamma = new long[n];
    }

#pragma warning disable CA1819, SA1600 // plain buffers, named after the tensors of seed 004 A.2
    public int[] NuLog { get; } public int[] ThetaLog { get; } public int[] GammaLog { get; }
    public int[] LambdaRe { get; } public int[] LambdaIm { get; } public int[] Gamma { get; } public int[] ExpNu { get; } public int[] ExpTheta { get; }
    public int[] Zero { get; }
    public int[] BReMaster { get; } public int[] BImMaster { get; } public int[] CReMaster { get; } public int[] CImMaster { get; } public int[] DMaster { get; }
    public short[] BRe { get; } public short[] BIm { get; } public short[] CRe { get; } public short[] CIm { get; } public short[] D { get; }
    public int[] HRe { get; } public int[] HIm { get; } public int[] HPrevRe { get; } public int[] HPrevIm { get; }
    public int[] BxRe { get; } public int[] BxIm { get; } public int[] BxPrevRe { get; } public int[] BxPrevIm { get; }
    public int[] URe { get; } public int[] UIm { get; }
    public int[] ELambdaRe { get; } public int[] ELambdaIm { get; } public int[] EGammaRe { get; } public int[] EGammaIm { get; }
    public int[] EBRe { get; } public int[] EBIm { get; }
    public short[] X { get; } public short[] XPrev { get; } public short[] HqRe { get; } public short[] HqIm { get; }
    public int[] YRe { get; } public int[] YIm { get; }
    public int[] GRe { get; } public int[] GIm { get; } public long[] AccRe { get; } public long[] AccIm { get; } public long[] AccX { get; }
    public int[] GradBRe { get; } public int[] GradBIm { get; } public int[] GradCRe { get; } public int[] GradCIm { get; } public int[] GradD { get; }
    public long[] GradLambdaRe { get; } public long[] GradLambdaIm { get; } public long[] GradGamma { get; }
#pragma warning restore CA1819, SA1600

    public void ClearState()
    {
        foreach (int[] a in new[] { HRe, HIm, HPrevRe, HPrevIm, BxPrevRe, BxPrevIm, ELambdaRe, ELambdaIm, EGammaRe, EGammaIm, EBRe, EBIm })
        {
            Array.Clear(a);
        }

        Array.Clear(XPrev);
    }

    public void ClearGradients()
    {
        foreach (int[] a in new[] { GradBRe, GradBIm, GradCRe, GradCIm, GradD })
        {
            Array.Clear(a);
        }

        Array.Clear(GradLambdaRe);
        Array.Clear(GradLambdaIm);
        Array.Clear(GradGamma);
    }
}
