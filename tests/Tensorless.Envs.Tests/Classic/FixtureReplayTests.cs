using Tensorless.Envs.Core;

namespace Tensorless.Envs.Tests.Classic;

/// <summary>
/// Replays Gymnasium's recorded trajectories through the single env and the vector env, teacher-forced
/// (state set before every step) and free-running (state only at resets, or not at all where our seeded
/// generator reproduces Gymnasium's). The six Gymnasium envs must agree bit for bit; the swing-up, whose
/// reference uses NumPy's own float32 trig, gets the fixture README's tolerances.
/// </summary>
public sealed class FixtureReplayTests
{
    public static TheoryData<string> Ids => Fixtures.Ids;

    [Theory]
    [MemberData(nameof(Ids))]
    public void SingleEnv_TeacherForced_MatchesGymnasium(string id) => ReplaySingle(id, teacherForced: true);

    [Theory]
    [MemberData(nameof(Ids))]
    public void SingleEnv_FreeRunning_MatchesGymnasium(string id) => ReplaySingle(id, teacherForced: false);

    [Theory]
    [MemberData(nameof(Ids))]
    public void VectorEnv_TeacherForced_MatchesGymnasium(string id) => ReplayVector(id, teacherForced: true);

    [Theory]
    [MemberData(nameof(Ids))]
    public void VectorEnv_FreeRunning_MatchesGymnasium(string id) => ReplayVector(id, teacherForced: false);

    [Fact]
    public void Fixtures_CoverTerminationsAndTruncations_ForEveryEnv()
    {
        foreach (var spec in Gym.Specs.Take(7))
        {
            var file = Fixtures.Load(spec.Id);
            Assert.Equal(spec.MaxEpisodeSteps, file.MaxEpisodeSteps);
            Assert.Contains(file.Records, r => r.Truncated);
            if (spec.Id != "Pendulum-v1")
            {
                Assert.Contains(file.Records, r => r.Terminated);
            }
        }
    }

    private static void ReplaySingle(string id, bool teacherForced)
    {
        var file = Fixtures.Load(id);
        var tol = Tolerance.For(id, teacherForced);
        var env = (ClassicEnv)Gym.Make(id);
        var obs = new double[env.ObservationSpace.FlatSize];
        var state = new double[env.StateSize];
        double[]? previous = null;
        int line = 1;
        foreach (var rec in file.Records)
        {
            line++;
            string where = $"{id} line {line}";
            if (rec.IsReset)
            {
                if (teacherForced || !tol.SeedMatches)
                {
                    env.SetState(rec.State, obs);
                }
                else
                {
                    env.Reset(obs, rec.Seed);
                    env.GetState(state);
                    Check.Equal(rec.State, state, 0, $"{where} reset state");
                }

                Check.ResetObservation(rec.Obs, obs, tol, where);
                previous = rec.State;
                continue;
            }

            if (teacherForced)
            {
                env.ReplaceState(previous!);
            }

            var result = env.Step(rec.Action, obs);
            env.GetState(state);
            Check.Step(rec, obs, result.Reward, result.Terminated, result.Truncated, state, tol, where);
            previous = rec.State;
        }
    }

    private static void ReplayVector(string id, bool teacherForced)
    {
        var file = Fixtures.Load(id);
        var tol = Tolerance.For(id, teacherForced);
        int n = file.Seeds.Length;
        for (int r = 0; r < n; r++)
        {
            Assert.Equal(file.Seeds[0] + (ulong)r, file.Seeds[r]);
        }

        var vec = (ClassicVectorEnv)Gym.MakeVector(id, n);
        int obsSize = vec.ObservationSize, actSize = vec.ActionSize;
        var obs = new double[n * obsSize];
        var rewards = new double[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        var actions = new double[n * actSize];
        var state = new double[vec.StateSize];
        var runs = Enumerable.Range(0, n).Select(r => file.RunRecords(r).ToList()).ToArray();
        var cursor = new int[n];
        var previous = new double[n][];
        vec.Reset(obs, file.Seeds[0]);

        for (int i = 0; i < file.StepsPerSeed; i++)
        {
            for (int r = 0; r < n; r++)
            {
                var row = obs.AsSpan(r * obsSize, obsSize);
                while (runs[r][cursor[r]].IsReset)
                {
                    var reset = runs[r][cursor[r]++];
                    string where = $"{id} run {r} step {i} reset";
                    if (tol.SeedMatches)
                    {
                        // Our generator reproduces Gymnasium's: the seeded reset or auto-reset already produced this state.
                        vec.GetState(r, state);
                        Check.Equal(reset.State, state, 0, where + " state");
                    }

                    if (teacherForced || !tol.SeedMatches)
                    {
                        vec.SetState(r, reset.State, row);
                    }

                    Check.ResetObservation(reset.Obs, row.ToArray(), tol, where);
                    previous[r] = reset.State;
                }

                var rec = runs[r][cursor[r]];
                rec.Action.CopyTo(actions, r * actSize);
                if (teacherForced)
                {
                    vec.ReplaceState(r, previous[r]);
                }
            }

            vec.Step(actions, obs, rewards, terminated, truncated);
            for (int r = 0; r < n; r++)
            {
                var rec = runs[r][cursor[r]++];
                string where = $"{id} run {r} step {i}";
                bool ended = rec.Terminated || rec.Truncated;
                Assert.True(ended == vec.HasFinalObservation[r], $"{where}: HasFinalObservation is {vec.HasFinalObservation[r]}, episode ended: {ended}");
                double[] stepObs = ended ? vec.FinalObservations.Slice(r * obsSize, obsSize).ToArray() : obs.AsSpan(r * obsSize, obsSize).ToArray();
                double[]? stepState = null;
                if (!ended)
                {
                    vec.GetState(r, state);
                    stepState = state;
                }

                Check.Step(rec, stepObs, rewards[r], terminated[r], truncated[r], stepState, tol, where);
                previous[r] = rec.State;
            }
        }
    }
}
