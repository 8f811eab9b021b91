using OnlineLearning.Core.Memory;

namespace OnlineLearning.Core.Tests.Arena;

public sealed class ArenaPlanTests
{
    [Test]
    public void Tensors_are_aligned_disjoint_and_described()
    {
        var plan = new ArenaPlan();
        var a = plan.Add("a", ArenaElement.Int16, 12, 5);
        var b = plan.Add("b", ArenaElement.Int32, 20, 3);
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
            Assert.That(arena.Int16(a).ToArray(), Is.All.EqualTo(7));
            Assert.That(a.Format, Is.EqualTo("Q3.12"));
            Assert.That(b.Format, Is.EqualTo("Q11.20"));
            Assert.That(text, Does.Contain("a ").And.Contain("Q3.12").And.Contain("total"));
            Assert.That(arena.SaturationReport()[0], Is.EqualTo(("a", 2L)));
            Assert.That(() => plan.Add("c", ArenaElement.Int8, 0, 1), Throws.InvalidOperationException);
        });
    }

    [Test]
    public void Duplicate_names_are_refused() =>
        Assert.That(() =>
        {
            var plan = new ArenaPlan();
            plan.Add("x", ArenaElement.Int8, 0, 1);
            plan.Add("x", ArenaElement.Int8, 0, 1);
        }, Throws.ArgumentException);
}
