using Tensorless.Autodiff;
using static Tensorless.Autodiff.Tests.Gradients.GradientCheck;

namespace Tensorless.Autodiff.Tests.Gradients;

public class FusedGradientTests
{
    [Fact]
    public void CategoricalLogProb_RandomLogits_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var logits = Leaf(rng, s.Rows, s.Cols, -3, 3);
            var actions = RandomActions(rng, s.Rows, s.Cols);
            AssertGradients(t => WeightedSum(t, t.CategoricalLogProb(logits, actions), s.Seed), logits);
        });

    [Fact]
    public void CategoricalLogProb_EqualsGatherOfLogSoftmax() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var logits = Constant(rng, s.Rows, s.Cols, -3, 3);
            var actions = RandomActions(rng, s.Rows, s.Cols);
            var tape = new Tape(recording: false);
            var fused = tape.CategoricalLogProb(logits, actions).ToArray();
            var composed = tape.Gather(tape.LogSoftmax(logits), actions).ToArray();
            for (int i = 0; i < fused.Length; i++)
            {
                Assert.Equal(composed[i], fused[i], 1e-12);
            }
        });

    [Fact]
    public void CategoricalEntropy_RandomLogits_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var logits = Leaf(rng, s.Rows, s.Cols, -3, 3);
            AssertGradients(t => WeightedSum(t, t.CategoricalEntropy(logits), s.Seed), logits);
        });

    [Fact]
    public void CategoricalEntropy_UniformLogits_IsLogN()
    {
        var h = new Tape(recording: false).CategoricalEntropy(Tensor.FromValues(1, 5, [0.3, 0.3, 0.3, 0.3, 0.3]));
        Assert.Equal(Math.Log(5), h.Data[0], 1e-14);
    }

    [Fact]
    public void GaussianLogProb_SharedAndPerRowLogStd_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var mean = Leaf(rng, s.Rows, s.Cols);
            var actions = Leaf(rng, s.Rows, s.Cols);
            var sharedLogStd = Leaf(rng, 1, s.Cols, -1, 1);
            var rowLogStd = Leaf(rng, s.Rows, s.Cols, -1, 1);
            AssertGradients(t => WeightedSum(t, t.GaussianLogProb(mean, sharedLogStd, actions), s.Seed), mean, sharedLogStd, actions);
            AssertGradients(t => WeightedSum(t, t.GaussianLogProb(mean, rowLogStd, actions), s.Seed), mean, rowLogStd, actions);
        });

    [Fact]
    public void GaussianLogProb_StandardNormalAtZero_IsMinusHalfLogTwoPi()
    {
        var lp = new Tape(recording: false).GaussianLogProb(new Tensor(1, 2), new Tensor(1, 2), new Tensor(1, 2));
        Assert.Equal(-Math.Log(2 * Math.PI), lp.Data[0], 1e-14);
    }

    [Fact]
    public void GaussianEntropy_RandomLogStd_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var logStd = Leaf(rng, s.Rows, s.Cols, -1, 1);
            AssertGradients(t => WeightedSum(t, t.GaussianEntropy(logStd), s.Seed), logStd);
        });

    [Fact]
    public void ClippedSurrogateLoss_RatiosInsideAndOutsideClip_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            const double eps = 0.2;
            var rng = new Xoshiro256(s.Seed);
            int m = s.Rows * s.Cols;
            var old = Constant(rng, m, 1, -2, 0);
            var adv = Constant(rng, m, 1, -2, 2);
            var logProb = new Tensor(m, 1, requiresGrad: true);
            for (int i = 0; i < m; i++)
            {
                double ratio = rng.NextDouble(0.5, 1.5);
                // keep the ratio off the clip edges, where the loss has a kink
                if (Math.Abs(ratio - (1 - eps)) < 1e-3 || Math.Abs(ratio - (1 + eps)) < 1e-3)
                {
                    ratio += 0.01;
                }

                logProb.Data[i] = old.Data[i] + Math.Log(ratio);
            }

            AssertGradients(t => t.ClippedSurrogateLoss(logProb, old, adv, eps), logProb);
        });

    [Fact]
    public void ClippedSurrogateLoss_KnownValues_MatchesHandComputation()
    {
        // r = (e^0.5, 1, e^-0.5) = (1.6487, 1, 0.6065); A = (1, -2, -1), eps 0.2
        // min(rA, clip(r)A) = (min(1.6487, 1.2), min(-2, -2), min(-0.6065, -0.8)) = (1.2, -2, -0.8)
        var tape = new Tape();
        var lp = Tensor.FromValues(3, 1, [0.5, 0, -0.5], requiresGrad: true);
        var loss = tape.ClippedSurrogateLoss(lp, new Tensor(3, 1), Tensor.FromValues(3, 1, [1, -2, -1]), 0.2);
        Assert.Equal(-(1.2 - 2 - 0.8) / 3, loss.Data[0], 1e-14);
        tape.Backward(loss);
        // only the middle sample's unclipped term is active: d/dlp = -r A / 3 = 2/3
        Assert.Equal([0, 2.0 / 3, 0], lp.Grad.ToArray());
    }

    [Fact]
    public void Mse_RandomShapes_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var p = Leaf(rng, s.Rows, s.Cols);
            var y = Leaf(rng, s.Rows, s.Cols);
            AssertGradients(t => t.Mse(p, y), p, y);
        });

    [Fact]
    public void CategoricalLogProb_InvalidAction_NamesRow()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Tape().CategoricalLogProb(new Tensor(2, 2), Tensor.FromValues(2, 1, [1, -1])));
        Assert.Contains("row 1", ex.Message);
    }

    [Fact]
    public void GaussianLogProb_WrongLogStdShape_NamesShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Tape().GaussianLogProb(new Tensor(3, 2), new Tensor(2, 2), new Tensor(3, 2)));
        Assert.Contains("[1x2] or [3x2]", ex.Message);
    }

    private static Tensor RandomActions(Xoshiro256 rng, int rows, int categories)
    {
        var a = new Tensor(rows, 1);
        for (int r = 0; r < rows; r++)
        {
            a.Data[r] = rng.NextInt(categories);
        }

        return a;
    }
}
