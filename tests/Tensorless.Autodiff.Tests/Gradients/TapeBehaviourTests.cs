using Tensorless.Autodiff;

namespace Tensorless.Autodiff.Tests.Gradients;

public class TapeBehaviourTests
{
    [Fact]
    public void Backward_TensorUsedTwice_AccumulatesBothPaths()
    {
        // y = x * x + x, dy/dx = 2x + 1
        var x = Tensor.FromValues(1, 1, [3.0], requiresGrad: true);
        var tape = new Tape();
        tape.Backward(tape.Sum(tape.Add(tape.Mul(x, x), x)));
        Assert.Equal(7.0, x.Grad[0]);
    }

    [Fact]
    public void Backward_CalledOnTwoTapes_AccumulatesIntoParameterUntilZeroed()
    {
        var p = new Parameter("w", 1, 2);
        p.Data[0] = 1;
        p.Data[1] = 2;
        for (int i = 0; i < 2; i++)
        {
            var tape = new Tape();
            tape.Backward(tape.Sum(tape.Square(p)));
        }

        Assert.Equal([4.0, 8.0], p.Grad.ToArray());
        p.ZeroGrad();
        Assert.Equal([0.0, 0.0], p.Grad.ToArray());
    }

    [Fact]
    public void Backward_NonScalarLoss_SaysSo()
    {
        var tape = new Tape();
        var y = tape.Tanh(new Tensor(2, 2, requiresGrad: true));
        var ex = Assert.Throws<ArgumentException>(() => tape.Backward(y));
        Assert.Contains("scalar", ex.Message);
        Assert.Contains("[2x2]", ex.Message);
    }

    [Fact]
    public void Backward_LossFromAnotherTape_SaysNotOnTape()
    {
        var other = new Tape();
        var loss = other.Sum(new Tensor(2, 2, requiresGrad: true));
        var ex = Assert.Throws<ArgumentException>(() => new Tape().Backward(loss));
        Assert.Contains("recorded on this tape", ex.Message);
    }

    [Fact]
    public void Backward_LossAfterReset_SaysNotOnTape()
    {
        var tape = new Tape();
        var loss = tape.Sum(new Tensor(2, 2, requiresGrad: true));
        tape.Reset();
        Assert.Throws<ArgumentException>(() => tape.Backward(loss));
    }

    [Fact]
    public void Backward_LeafTensor_Throws()
    {
        var leaf = new Tensor(1, 1, requiresGrad: true);
        Assert.Throws<ArgumentException>(() => new Tape().Backward(leaf));
    }

    [Fact]
    public void InferenceMode_RecordsNothingAndOutputsNeedNoGradient()
    {
        var tape = new Tape(recording: false);
        var w = new Parameter("w", 3, 3);
        var y = tape.Tanh(tape.MatMul(new Tensor(2, 3), w));
        Assert.Equal(0, tape.NodeCount);
        Assert.False(y.RequiresGrad);
        Assert.Throws<InvalidOperationException>(() => y.Grad.Length);
    }

    [Fact]
    public void Ops_OnConstantsOnly_RecordNothing()
    {
        var tape = new Tape();
        tape.Tanh(tape.Add(new Tensor(2, 2), new Tensor(2, 2)));
        Assert.Equal(0, tape.NodeCount);
    }

    [Fact]
    public void SteadyStateStep_ForwardBackward_AllocatesNothing()
    {
        var rng = new Xoshiro256(5);
        var w1 = new Parameter("w1", 16, 4);
        var b1 = new Parameter("b1", 1, 16);
        var w2 = new Parameter("w2", 3, 16);
        rng.FillUniform(w1.Data, -0.5, 0.5);
        rng.FillUniform(w2.Data, -0.5, 0.5);
        var x = new Tensor(32, 4);
        rng.FillUniform(x.Data, -1, 1);
        var actions = new Tensor(32, 1);
        var tape = new Tape();

        void Step()
        {
            tape.Reset();
            var logits = tape.Linear(tape.Tanh(tape.Linear(x, w1, b1)), w2, null);
            var loss = tape.Sub(tape.Mean(tape.CategoricalLogProb(logits, actions)), tape.Scale(tape.Mean(tape.CategoricalEntropy(logits)), 0.01));
            tape.Backward(loss);
        }

        Assert.Equal(0, Tensorless.Tests.AllocationProbe.SteadyStateBytes(Step));
    }

    [Fact]
    public void Workspace_AfterReset_ReusesStorage()
    {
        var ws = new Workspace();
        ws.Allocate(100, 100);
        long capacity = ws.Capacity;
        ws.Reset();
        var t = ws.Allocate(50, 50);
        Assert.Equal(capacity, ws.Capacity);
        Assert.All(t.ToArray(), v => Assert.Equal(0.0, v));
    }
}
