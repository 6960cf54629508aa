using FsCheck.Fluent;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Nn;
using static Tensorless.Autodiff.Tests.Gradients.GradientCheck;

namespace Tensorless.Autodiff.Tests.Gradients;

/// <summary>
/// The actor-critic losses end to end: a 2-hidden-layer tanh actor and critic under the A2C loss
/// (policy + c_v value - beta entropy) and under the PPO loss (clipped surrogate + c_v value - beta entropy), with a
/// categorical head and with a Gaussian head; every parameter's gradient against central finite differences.
/// </summary>
public class CompositeGradientTests
{
    private const double ValueCoef = 0.5;
    private const double EntropyCoef = 0.01;
    private const double ClipRange = 0.2;

    private static readonly FsCheck.Gen<(int Batch, int Obs, int Hidden, int Actions, ulong Seed)> Shapes =
        from b in Gen.Choose(1, 9)
        from o in Gen.Choose(1, 5)
        from h in Gen.Choose(1, 9)
        from a in Gen.Choose(2, 4)
        from s in Gen.Choose(0, int.MaxValue)
        select (b, o, h, a, (ulong)s);

    [Fact]
    public void A2cLoss_CategoricalHead_MatchesFiniteDifferences() => Check(gaussian: false, ppo: false);

    [Fact]
    public void A2cLoss_GaussianHead_MatchesFiniteDifferences() => Check(gaussian: true, ppo: false);

    [Fact]
    public void PpoLoss_CategoricalHead_MatchesFiniteDifferences() => Check(gaussian: false, ppo: true);

    [Fact]
    public void PpoLoss_GaussianHead_MatchesFiniteDifferences() => Check(gaussian: true, ppo: true);

    private static void Check(bool gaussian, bool ppo) =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            int actionWidth = gaussian ? s.Actions - 1 : s.Actions;
            var actor = new Mlp("actor", [s.Obs, s.Hidden, s.Hidden, actionWidth], Activation.Tanh, rng);
            var critic = new Mlp("critic", [s.Obs, s.Hidden, s.Hidden, 1], Activation.Tanh, rng);
            var logStd = new Parameter("log_std", 1, actionWidth);
            rng.FillUniform(logStd.Data, -0.5, 0.5);
            var obs = Constant(rng, s.Batch, s.Obs, -1, 1);
            var advantages = Constant(rng, s.Batch, 1);
            var returns = Constant(rng, s.Batch, 1, -3, 3);
            var actions = new Tensor(s.Batch, gaussian ? actionWidth : 1);
            if (gaussian)
            {
                rng.FillUniform(actions.Data, -1.5, 1.5);
            }
            else
            {
                for (int i = 0; i < s.Batch; i++)
                {
                    actions.Data[i] = rng.NextInt(actionWidth);
                }
            }

            Tensor LogProb(Tape t, Tensor head) => gaussian ? t.GaussianLogProb(head, logStd, actions) : t.CategoricalLogProb(head, actions);
            Tensor Entropy(Tape t, Tensor head) => gaussian ? t.GaussianEntropy(logStd) : t.CategoricalEntropy(head);

            // old log-probabilities placed so each ratio sits away from the clip edges, inside or outside the range
            var oldLogProbs = new Tensor(s.Batch, 1);
            var probe = new Tape(recording: false);
            var current = LogProb(probe, actor.Forward(probe, obs)).ToArray();
            for (int i = 0; i < s.Batch; i++)
            {
                double ratio = rng.NextDouble(0.6, 1.4);
                if (Math.Abs(ratio - (1 - ClipRange)) < 0.02 || Math.Abs(ratio - (1 + ClipRange)) < 0.02)
                {
                    ratio += 0.05;
                }

                oldLogProbs.Data[i] = current[i] - Math.Log(ratio);
            }

            Tensor Loss(Tape t)
            {
                var head = actor.Forward(t, obs);
                var logProb = LogProb(t, head);
                var policyLoss = ppo
                    ? t.ClippedSurrogateLoss(logProb, oldLogProbs, advantages, ClipRange)
                    : t.Scale(t.Mean(t.Mul(logProb, advantages)), -1.0);
                var valueLoss = t.Mse(critic.Forward(t, obs), returns);
                var entropy = t.Mean(Entropy(t, head));
                return t.Sub(t.Add(policyLoss, t.Scale(valueLoss, ValueCoef)), t.Scale(entropy, EntropyCoef));
            }

            var parameters = actor.Parameters.Concat(critic.Parameters).Select(p => p.Value).ToList();
            if (gaussian)
            {
                parameters.Add(logStd.Value);
            }

            AssertGradients(Loss, [.. parameters]);
        });
}
