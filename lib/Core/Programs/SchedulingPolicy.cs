using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>
/// Decides which runnable thread runs the next instruction. The machine has one CPU; a policy sees the
/// runnable threads in run-queue order, the thread that ran last and how many steps it has run in a row.
/// </summary>
public abstract class SchedulingPolicy
{
    /// <summary>
    /// The deterministic default: round robin over a FIFO run queue with a time slice of
    /// <paramref name="quantum"/> instructions. A new thread joins the tail of the queue and the running thread
    /// keeps the CPU after fork until its slice ends or it blocks, sleeps, yields or exits — Linux's default
    /// (sched_child_runs_first = 0: the parent runs first after fork).
    /// </summary>
    public static SchedulingPolicy RoundRobin(int quantum = 50)
    {
        if (quantum < 1) throw new ArgumentOutOfRangeException(nameof(quantum), quantum, "a time slice is at least 1 instruction");
        return new RoundRobinPolicy(quantum);
    }

    /// <summary>
    /// A seeded random interleaving: every step picks a runnable thread uniformly at random. The same seed gives
    /// the same run (and output) every time; different seeds show other legal orders.
    /// </summary>
    public static SchedulingPolicy Random(int seed) => new RandomPolicy(seed);

    /// <summary>What a step's choice is based on.</summary>
    /// <param name="Runnable">The runnable threads in run-queue order (never empty).</param>
    /// <param name="Current">The thread that ran the previous step, if it is still runnable.</param>
    /// <param name="CurrentRun">How many steps <paramref name="Current"/> has run in a row.</param>
    public readonly record struct Decision(IReadOnlyList<Pid> Runnable, Pid? Current, int CurrentRun);

    /// <summary>Picks one of <see cref="Decision.Runnable"/>.</summary>
    public abstract Pid Choose(Decision decision);

    private sealed class RoundRobinPolicy(int quantum) : SchedulingPolicy
    {
        public override Pid Choose(Decision d)
        {
            if (d.Current is { } current && d.CurrentRun < quantum) return current;
            foreach (var tid in d.Runnable)
                if (tid != d.Current) return tid;
            return d.Runnable[0];
        }

        public override string ToString() => $"round robin, time slice {quantum} instructions, parent first after fork";
    }

    private sealed class RandomPolicy(int seed) : SchedulingPolicy
    {
        private readonly System.Random _random = new(seed);

        public override Pid Choose(Decision d) => d.Runnable[_random.Next(d.Runnable.Count)];

        public override string ToString() => $"random interleaving, seed {seed}";
    }
}
