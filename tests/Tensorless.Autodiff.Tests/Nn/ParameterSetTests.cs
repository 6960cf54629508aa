using Tensorless.Autodiff.Nn;

namespace Tensorless.Autodiff.Tests.Nn;

public class ParameterSetTests
{
    private static ParameterSet TwoParameters()
    {
        var a = new Parameter("a", 2, 2);
        var b = new Parameter("b", 1, 3);
        new double[] { 1, 2, 3, 4 }.CopyTo(a.Data);
        new double[] { 5, 6, 7 }.CopyTo(b.Data);
        var set = new ParameterSet();
        set.Add(a);
        set.AddVector(b);
        return set;
    }

    [Fact]
    public void FlatCopies_RoundTripInOrder()
    {
        var set = TwoParameters();
        Assert.Equal(7, set.TotalLength);
        var flat = new double[7];
        set.CopyValuesTo(flat);
        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7], flat);
        set.CopyValuesFrom([7.0, 6, 5, 4, 3, 2, 1]);
        Assert.Equal([7.0, 6, 5, 4], set["a"].Data.ToArray());
        Assert.Equal([3.0, 2, 1], set["b"].Data.ToArray());
        Assert.Throws<ArgumentException>(() => set.CopyValuesTo(new double[6]));
        Assert.Throws<ArgumentException>(() => set.CopyValuesFrom(new double[8]));
    }

    [Fact]
    public void ZeroGrad_ClearsEveryGradient_AndCopyGradsReadsThem()
    {
        var set = TwoParameters();
        set[0].Grad.Fill(2.0);
        set[1].Grad.Fill(-1.0);
        var grads = new double[7];
        set.CopyGradsTo(grads);
        Assert.Equal([2.0, 2, 2, 2, -1, -1, -1], grads);
        set.ZeroGrad();
        set.CopyGradsTo(grads);
        Assert.All(grads, g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void Add_DuplicateName_Throws_AndVectorNeedsOneRow()
    {
        var set = TwoParameters();
        var ex = Assert.Throws<ArgumentException>(() => set.Add(new Parameter("a", 1, 1)));
        Assert.Contains("'a'", ex.Message);
        Assert.Throws<ArgumentException>(() => set.AddVector(new Parameter("c", 2, 2)));
        Assert.Throws<ArgumentException>(() => set.Add(new Parameter("d", 2, 2), [3]));
        Assert.Throws<KeyNotFoundException>(() => set["nope"]);
    }

    [Fact]
    public void CheckpointShapes_AndAddRangeKeepsThem()
    {
        var inner = TwoParameters();
        var outer = new ParameterSet();
        outer.AddRange(inner);
        Assert.Equal([2, 2], outer.CheckpointShape(0));
        Assert.Equal([3], outer.CheckpointShape(1));
        Assert.Equal(["a", "b"], outer.Select(p => p.Name));

        // Copying a set through the constructor keeps the shapes too; a plain sequence gets 2-D shapes.
        Assert.Equal([3], new ParameterSet(inner).CheckpointShape(1));
        Assert.Equal([1, 3], new ParameterSet(inner.ToList()).CheckpointShape(1));
    }
}
