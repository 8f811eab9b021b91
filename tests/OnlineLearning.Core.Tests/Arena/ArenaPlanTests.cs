using OnlineLearning.Core.Memory;

namespace OnlineLearning.Core.Tests.Arena;

public sealed class ArenaPlanTests
{
    [Test]
    public void Tensors_are_aligned_disjoint_and_described()
    {
        var plan = new ArenaPlan();
        var a = plan.Add("a", TensorRole.NeuronState, ArenaElement.Int16, 12, 5);
        var b = plan.Add("b", TensorRole.Gradient, ArenaElement.Int32, 20, 3, 2);
        int slot = plan.TrackSaturation(a);
        var arena = plan.Allocate();
        arena.Int16(a).Fill(7);
        arena.Int32(b).Fill(-1);
        arena.CountSaturations(slot, 2);
        string text = plan.Describe();
        TestContext.Out.WriteLine(text);
        Assert.Multiple(() =>
        {
            Assert.That(b.Offset % ArenaPlan.Alignment, Is.Zero);
            Assert.That(b.Count, Is.EqualTo(6));
            Assert.That(arena.Int16(a).ToArray(), Is.All.EqualTo(7));
            Assert.That(a.FormatText, Is.EqualTo("Q3.12"));
            Assert.That(b.FormatText, Is.EqualTo("Q11.20"));
            Assert.That(b.Format, Is.EqualTo(new Numerics.QFormat(Numerics.QStorage.Int32, 20)));
            Assert.That(text, Does.Contain("a ").And.Contain("Q3.12").And.Contain("total").And.Contain("gradient").And.Contain("[3x2]"));
            Assert.That(text, Does.Contain("fingerprint " + plan.FingerprintText));
            Assert.That(arena.SaturationReport()[0], Is.EqualTo(("a", 2L)));
            Assert.That(() => plan.Add("c", TensorRole.Scratch, ArenaElement.Int8, 0, 1), Throws.InvalidOperationException);
        });
    }

    [Test]
    public void Duplicate_names_are_refused() =>
        Assert.That(() =>
        {
            var plan = new ArenaPlan();
            plan.Add("x", TensorRole.Scratch, ArenaElement.Int8, 0, 1);
            plan.Add("x", TensorRole.Scratch, ArenaElement.Int8, 0, 1);
        }, Throws.ArgumentException);

    [Test]
    public void Fingerprint_is_stable_and_changes_with_every_described_field()
    {
        static ulong Print(string name = "w", TensorRole role = TensorRole.Parameter, ArenaElement element = ArenaElement.Int16, int frac = 12, int rows = 4, int cols = 3)
        {
            var plan = new ArenaPlan();
            plan.Add(name, role, element, frac, rows, cols);
            plan.Add("state", TensorRole.NeuronState, ArenaElement.Int32, 24, 4);
            return plan.Fingerprint();
        }

        ulong reference = Print();
        Assert.Multiple(() =>
        {
            Assert.That(Print(), Is.EqualTo(reference), "same plan, same fingerprint");
            Assert.That(Print(name: "v"), Is.Not.EqualTo(reference), "name");
            Assert.That(Print(role: TensorRole.Master), Is.Not.EqualTo(reference), "role");
            Assert.That(Print(element: ArenaElement.Int32), Is.Not.EqualTo(reference), "storage");
            Assert.That(Print(frac: 11), Is.Not.EqualTo(reference), "format");
            Assert.That(Print(rows: 3, cols: 4), Is.Not.EqualTo(reference), "shape");
        });
    }
}
