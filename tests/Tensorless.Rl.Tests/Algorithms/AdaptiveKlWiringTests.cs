using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// The adaptive-KL penalty's beta follows the KL between the rollout policy and the policy after the update (PPO paper,
/// section 4), measured over the whole rollout; not the KL seen before each minibatch step.
/// </summary>
public class AdaptiveKlWiringTests
{
    [Fact]
    public void AdaptiveKl_OneFullBatchEpoch_BetaFollowsKlAfterTheUpdate()
    {
        // one full-batch epoch: the KL before its only step is exactly 0, so a rule fed that KL halves beta every update
        // however far the step moved the policy; a large learning rate and a tiny target make the true KL far above target
        var env = Gym.MakeVector("CartPole-v1", 4, seed: 5);
        using var ppo = new Ppo(env, new PpoOptions
        {
            OnPolicy = new() { NumSteps = 32, Seed = 5, LearningRate = 0.05 },
            MinibatchSize = 128, NumEpochs = 1, PolicyObjective = PolicyObjective.AdaptiveKlPenalty,
            KlPenaltyTarget = 1e-6, KlBetaInit = 1.0,
        });
        ppo.Learner.CollectRollout();
        ppo.Update(1.0, MetricsRecord.CreateStandard());

        double kl = RolloutKl(ppo);
        Assert.True(kl > 1.5e-6, $"the step should move the policy; KL {kl}");
        Assert.Equal(2.0, ppo.KlBeta);
    }

    [Fact]
    public void AdaptiveKl_SeveralEpochs_BetaIsTheRuleAppliedToTheRolloutKlAfterTheUpdate()
    {
        var env = Gym.MakeVector("CartPole-v1", 4, seed: 6);
        using var ppo = new Ppo(env, new PpoOptions
        {
            OnPolicy = new() { NumSteps = 32, Seed = 6, LearningRate = 3e-3 },
            MinibatchSize = 32, NumEpochs = 3, PolicyObjective = PolicyObjective.AdaptiveKlPenalty, KlBetaInit = 0.5,
        });
        for (int update = 0; update < 4; update++)
        {
            ppo.Learner.CollectRollout();
            double before = ppo.KlBeta;
            ppo.Update(1.0, MetricsRecord.CreateStandard());
            double expected = AdaptiveKlPenalty.NextBeta(before, RolloutKl(ppo), ppo.Options.KlPenaltyTarget);
            Assert.Equal(expected, ppo.KlBeta);
        }
    }

    /// <summary>Schulman's approx KL(old || new) over the whole rollout, recomputed from the buffer with the updated policy.</summary>
    internal static double RolloutKl(Ppo ppo)
    {
        var buffer = ppo.Learner.Buffer;
        var policy = ppo.Policy;
        var tape = new Tape(recording: false);
        var obs = tape.Constant(buffer.Observations, buffer.Count, buffer.ObservationSize);
        var actions = tape.Constant(buffer.Actions, buffer.Count, buffer.ActionSize);
        var logProb = policy.Evaluate(tape, obs, actions, withValue: false).LogProb.Data;
        double sum = 0;
        for (int i = 0; i < buffer.Count; i++)
        {
            double logRatio = logProb[i] - buffer.LogProbs[i];
            sum += Math.Exp(logRatio) - 1.0 - logRatio;
        }

        return sum / buffer.Count;
    }
}
