using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// TRPO's exact Fisher-vector product on a real rollout against the explicit Fisher matrix
/// <c>F = mean_t J_t^T M_t J_t</c>, with every row of J_t from its own reverse-mode pass and M_t built independently
/// (the categorical's as <c>E_a[s s^T]</c> over categories, the Gaussian's from its closed form); and conjugate gradient
/// against a direct solve.
/// </summary>
public class TrpoFisherTests
{
    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void FisherVectorProduct_SmallNetwork_MatchesExplicitFisherMatrix(string envId)
    {
        var env = Gym.MakeVector(envId, 2, seed: 4);
        var options = new TrpoOptions
        {
            OnPolicy = TrpoOptions.Defaults with { NumSteps = 6, Seed = 4, Policy = new PolicyOptions { HiddenSizes = [5], LogStdInit = -0.3 } },
            MinibatchSize = 12,
            CgDamping = 0,
        };
        using var trpo = new Trpo(env, options);
        trpo.Learner.CollectRollout();
        var policy = trpo.Policy;
        // move the weights off their initialisation so the output layer's 0.01 gain does not make p nearly uniform
        var rng = new Xoshiro256(5);
        foreach (var p in policy.ActorParameters)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p.Data[i] += 0.5 * rng.NextGaussian();
            }
        }

        trpo.Core.Prepare();
        int n = trpo.Core.ParameterCount;
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = rng.NextGaussian();
        }

        var fv = new double[n];
        trpo.Core.Multiply(v, fv);
        var explicitF = ExplicitFisher(policy, trpo.Learner.Buffer.Observations.ToArray());
        var expected = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                expected[i] += explicitF[i, j] * v[j];
            }
        }

        double num = 0, den = 0;
        for (int i = 0; i < n; i++)
        {
            num += (expected[i] - fv[i]) * (expected[i] - fv[i]);
            den += expected[i] * expected[i];
        }

        Assert.True(Math.Sqrt(num / den) < 1e-9, $"relative error {Math.Sqrt(num / den):E3}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(13)]
    public void ConjugateGradient_SpdSystem_MatchesDirectSolve(int n)
    {
        var rng = new Xoshiro256((ulong)(40 + n));
        var b = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                b[i, j] = rng.NextGaussian();
            }
        }

        // A = B^T B + 0.5 I, symmetric positive definite
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    a[i, j] += b[k, i] * b[k, j];
                }
            }

            a[i, i] += 0.5;
        }

        var rhs = new double[n];
        for (int i = 0; i < n; i++)
        {
            rhs[i] = rng.NextGaussian();
        }

        var x = new double[n];
        var result = ConjugateGradient.Solve(new DenseOperator(a), rhs, x, maxSteps: 4 * n, new double[n], new double[n], new double[n], residualTolerance: 1e-26);
        var direct = Solve(a, rhs);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(direct[i], x[i], 1e-9 * Math.Max(1, Math.Abs(direct[i])));
        }

        Assert.True(result.ResidualNorm < 1e-10, $"residual {result.ResidualNorm:E3}");
    }

    [Fact]
    public void ConjugateGradient_OneStepOnAnEigenvector_IsExact()
    {
        // b an eigenvector of A (eigenvalue 3): the first step already solves A x = b
        var a = new double[,] { { 2, 1 }, { 1, 2 } };
        var x = new double[2];
        var result = ConjugateGradient.Solve(new DenseOperator(a), [1.0, 1.0], x, 1, new double[2], new double[2], new double[2]);
        Assert.Equal(1, result.Iterations);
        Assert.Equal(1.0 / 3, x[0], 1e-15);
        Assert.Equal(1.0 / 3, x[1], 1e-15);
    }

    /// <summary>mean_t J_t^T M_t J_t over the rollout's observations, parameters in ActorParameters order.</summary>
    private static double[,] ExplicitFisher(ActorCriticPolicy policy, double[] observations)
    {
        var actor = policy.ActorNetwork;
        int nNet = actor.Parameters.TotalLength;
        int h = policy.HeadSize;
        int n = policy.ActorParameters.TotalLength;
        int rows = observations.Length / policy.ObservationSize;
        var f = new double[n, n];
        for (int r = 0; r < rows; r++)
        {
            // J_t: one row per distribution parameter (h head outputs, then h log-stds for the Gaussian)
            int q = policy.IsDiscrete ? h : 2 * h;
            var j = new double[q, n];
            var tape = new Tape();
            var obs = observations.AsSpan(r * policy.ObservationSize, policy.ObservationSize);
            double[] head = [];
            for (int o = 0; o < h; o++)
            {
                tape.Reset();
                var y = actor.Forward(tape, tape.Constant(obs, 1, policy.ObservationSize));
                head = y.ToArray();
                var pick = tape.Workspace.Allocate(1, h);
                pick.Data[o] = 1;
                actor.Parameters.ZeroGrad();
                tape.Backward(tape.Sum(tape.Mul(y, pick)));
                var grad = new double[nNet];
                actor.Parameters.CopyGradsTo(grad);
                for (int p = 0; p < nNet; p++)
                {
                    j[o, p] = grad[p];
                }
            }

            var m = new double[q, q];
            if (policy.IsDiscrete)
            {
                double max = head.Max();
                var prob = head.Select(z => Math.Exp(z - max)).ToArray();
                double sum = prob.Sum();
                for (int a = 0; a < h; a++)
                {
                    prob[a] /= sum;
                }

                // E_a[s s^T] with the score of the logits s = e_a - p
                for (int a = 0; a < h; a++)
                {
                    for (int k = 0; k < h; k++)
                    {
                        for (int l = 0; l < h; l++)
                        {
                            m[k, l] += prob[a] * ((k == a ? 1 : 0) - prob[k]) * ((l == a ? 1 : 0) - prob[l]);
                        }
                    }
                }
            }
            else
            {
                var logStd = policy.LogStd!.Data;
                for (int k = 0; k < h; k++)
                {
                    j[h + k, nNet + k] = 1;
                    m[k, k] = Math.Exp(-2 * logStd[k]);
                    m[h + k, h + k] = 2;
                }
            }

            for (int a = 0; a < n; a++)
            {
                for (int b = 0; b < n; b++)
                {
                    double s = 0;
                    for (int k = 0; k < q; k++)
                    {
                        for (int l = 0; l < q; l++)
                        {
                            s += j[k, a] * m[k, l] * j[l, b];
                        }
                    }

                    f[a, b] += s / rows;
                }
            }
        }

        return f;
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]);
            }

            (x[c], x[pivot]) = (x[pivot], x[c]);
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int k = c; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                }

                x[r] -= f * x[c];
            }
        }

        for (int r = n - 1; r >= 0; r--)
        {
            for (int k = r + 1; k < n; k++)
            {
                x[r] -= m[r, k] * x[k];
            }

            x[r] /= m[r, r];
        }

        return x;
    }

    private sealed class DenseOperator(double[,] a) : ILinearOperator
    {
        public void Multiply(ReadOnlySpan<double> v, Span<double> result)
        {
            for (int i = 0; i < result.Length; i++)
            {
                double s = 0;
                for (int j = 0; j < v.Length; j++)
                {
                    s += a[i, j] * v[j];
                }

                result[i] = s;
            }
        }
    }
}
