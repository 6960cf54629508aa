namespace Tensorless.Distributed.Tests;

public class ThreadCommunicatorTests
{
    private static T[] OnRanks<T>(int size, Func<ICommunicator, T> body)
    {
        var group = ThreadCommunicator.CreateGroup(size);
        var results = new T[size];
        var threads = group.Select((c, r) => new Thread(() => results[r] = body(c))).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        return results;
    }

    [Fact]
    public void AllReduceSum_ThreeRanks_SumInRankOrderOnEveryRank()
    {
        var results = OnRanks(3, c =>
        {
            double[] buffer = [c.Rank + 0.1, c.Rank * 1e-17, 1.0];
            c.AllReduceSum(buffer);
            return buffer;
        });
        double[] expected = [(0.1 + 1.1) + 2.1, (0.0 + 1e-17) + 2e-17, 3.0];
        foreach (var r in results)
        {
            Assert.Equal(expected, r);
        }
    }

    [Fact]
    public void BroadcastAndGather_ThreeRanks_RootValuesAndRecordsInOrder()
    {
        var results = OnRanks(3, c =>
        {
            double[] buffer = [c.Rank, 10 * c.Rank];
            c.Broadcast(buffer, root: 1);
            var gathered = c.Gather([c.Rank * 2.0]);
            c.Barrier();
            return (buffer, gathered);
        });
        foreach (var (buffer, _) in results)
        {
            Assert.Equal([1.0, 10.0], buffer);
        }

        Assert.Equal([[0.0], [2.0], [4.0]], results[0].gathered!);
        Assert.Null(results[1].gathered);
    }
}
