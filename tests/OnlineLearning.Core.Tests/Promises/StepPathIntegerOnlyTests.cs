using System.Reflection;
using System.Reflection.Emit;
using OnlineLearning.Core.Lru;
using OnlineLearning.Core.Snn;
using OnlineLearning.Core.Training;

namespace OnlineLearning.Core.Tests.Promises;

/// <summary>
/// The step path is integer-only: starting from each network's Step (and the sequence and update methods a
/// device calls between steps), every method of ours it can reach, including every override of a virtual it
/// calls (all kernel backends), is read as IL and must not load, convert to or keep a float or double, nor
/// call into the BCL with one.
/// </summary>
public sealed class StepPathIntegerOnlyTests
{
    private static readonly OpCode[] FloatOpCodes = [OpCodes.Ldc_R4, OpCodes.Ldc_R8, OpCodes.Conv_R4, OpCodes.Conv_R8, OpCodes.Conv_R_Un, OpCodes.Ldind_R4, OpCodes.Ldind_R8, OpCodes.Stind_R4, OpCodes.Stind_R8, OpCodes.Ldelem_R4, OpCodes.Ldelem_R8];

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private static IEnumerable<TestCaseData> Roots()
    {
        // The contract's step-path members (IOnlineNetwork), reached through each family's type, plus the LRU's
        // sequence-output helpers.
        string[] contract = ["Step", "StepLabel", "Infer", "Predict", "EndSequence", "ResetState", "ApplyUpdate"];
        yield return new TestCaseData(typeof(QSnnNetwork), contract).SetArgDisplayNames("snn");
        yield return new TestCaseData(typeof(QLruNetwork), contract.Concat(["AverageOutput", "PredictSequence"]).ToArray()).SetArgDisplayNames("lru");
        // The networks call their optimiser through IOptimizer, an interface call the walk does not resolve to an
        // implementation: every optimiser's Apply is a root of its own.
        yield return new TestCaseData(typeof(QSgd), new[] { "Apply" }).SetArgDisplayNames("sgd");
        yield return new TestCaseData(typeof(QAdam), new[] { "Apply" }).SetArgDisplayNames("adam");
    }

    [TestCaseSource(nameof(Roots))]
    public void Nothing_reachable_from_Step_uses_float_or_double(Type network, string[] roots)
    {
        var queue = new Queue<MethodBase>(network.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => roots.Contains(m.Name)));
        var seen = new HashSet<MethodBase>();
        var problems = new List<string>();
        while (queue.Count > 0)
        {
            var method = queue.Dequeue();
            if (!seen.Add(method) || method.GetMethodBody() is not { } body)
            {
                continue;
            }

            problems.AddRange(body.LocalVariables.Where(l => IsFloating(l.LocalType)).Select(l => $"{Name(method)}: a {l.LocalType.Name} local"));
            foreach (var (opcode, operand) in Instructions(body.GetILAsByteArray()!))
            {
                if (FloatOpCodes.Contains(opcode))
                {
                    problems.Add($"{Name(method)}: {opcode.Name}");
                }
                else if (opcode.OperandType == OperandType.InlineMethod && Resolve(method, operand) is { } callee)
                {
                    Follow(method, callee, queue, problems);
                }
            }
        }

        TestContext.Out.WriteLine($"{network.Name}: {seen.Count} methods on the step path checked");
        int minimum = typeof(IOptimizer).IsAssignableFrom(network) ? 4 : 20;
        Assert.That(seen, Has.Count.GreaterThan(minimum), "the walk must reach the layers and kernels (or the optimiser's helpers)");
        Assert.That(problems, Is.Empty);
    }

    private static void Follow(MethodBase caller, MethodBase callee, Queue<MethodBase> queue, List<string> problems)
    {
        var signature = callee is MethodInfo info ? info.ReturnType : typeof(void);
        if (IsFloating(signature) || callee.GetParameters().Any(p => IsFloating(p.ParameterType)))
        {
            problems.Add($"{Name(caller)} calls {Name(callee)} with a floating-point value");
        }

        if (!IsOurs(callee.DeclaringType))
        {
            return;
        }

        queue.Enqueue(callee);
        if (callee.IsVirtual && callee is MethodInfo virtualMethod)
        {
            // Every backend's override of a kernel (and any other override) is on the path too.
            foreach (var type in callee.DeclaringType!.Assembly.GetTypes().Where(t => t.IsSubclassOf(callee.DeclaringType)))
            {
                var overriding = type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                    .FirstOrDefault(m => m.GetBaseDefinition() == virtualMethod.GetBaseDefinition());
                if (overriding is not null)
                {
                    queue.Enqueue(overriding);
                }
            }
        }
    }

    private static bool IsOurs(Type? type) => type?.Namespace?.StartsWith("OnlineLearning.", StringComparison.Ordinal) == true;

    private static bool IsFloating(Type type)
    {
        var element = type.IsByRef || type.IsArray || type.IsPointer ? type.GetElementType()! : type;
        if (element.IsGenericType)
        {
            return element.GetGenericArguments().Any(IsFloating);
        }

        return element == typeof(float) || element == typeof(double) || element == typeof(Half) || element == typeof(decimal);
    }

    private static MethodBase? Resolve(MethodBase method, int token)
    {
        try
        {
            var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
            var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
            return method.Module.ResolveMethod(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Name(MethodBase m) => $"{m.DeclaringType?.Name}.{m.Name}";

    private static IEnumerable<(OpCode OpCode, int Operand)> Instructions(byte[] il)
    {
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opcode = OpCodesByValue[value];
            int size = OperandSize(opcode, il, i);
            int operand = size == 4 ? BitConverter.ToInt32(il, i) : 0;
            i += size;
            yield return (opcode, operand);
        }
    }

    private static int OperandSize(OpCode opcode, byte[] il, int at) => opcode.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };
}
