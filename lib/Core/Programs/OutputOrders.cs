using System.Collections.Immutable;
using System.Text;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Programs;

/// <summary>The answer to "what can this program print?": every distinct output found and whether the search was exhaustive.</summary>
/// <param name="Outputs">The distinct outputs, sorted.</param>
/// <param name="Complete">True when every interleaving was covered (no bound was hit).</param>
/// <param name="Runs">How many runs reached an end (completed or deadlocked).</param>
/// <param name="States">How many distinct decision states were explored (memoized by a hash of the state).</param>
/// <param name="Deadlocks">How many runs ended in a deadlock.</param>
/// <param name="Problem">Why nothing could be enumerated (the text does not compile), else null.</param>
public sealed record OutputEnumeration(ValueList<string> Outputs, bool Complete, long Runs, long States, long Deadlocks, string? Problem = null)
{
    /// <summary>A numbered list of the outputs, with a note when the bound cut the search short.</summary>
    public override string ToString()
    {
        if (Problem is not null) return Problem;
        var sb = new StringBuilder($"{Outputs.Count} possible output{(Outputs.Count == 1 ? "" : "s")}");
        sb.Append(Complete ? $" (all interleavings: {Runs} runs, {States} states)" : $" found before the search bound ({Runs} runs, {States} states): there may be more");
        for (int i = 0; i < Outputs.Count; i++) sb.Append($"\n--- {i + 1} ---\n").Append(Outputs[i].TrimEnd('\n'));
        return sb.ToString();
    }
}

/// <summary>One output seen while sampling seeds, and the seeds that produced it.</summary>
public sealed record SampledOutput(string Output, ValueList<int> Seeds);

/// <summary>
/// Output-ordering puzzles: which outputs can a small concurrent program print? Enumerate searches
/// every interleaving (depth first, replaying from a fresh machine, remembering states already explored);
/// Sample runs seeded random schedules.
/// </summary>
/// <remarks>
/// Only steps that other threads can observe (system calls, output, memory) are interleaved: a thread's local
/// instructions (moves, arithmetic, jumps) commute with everything the others do, so running them without a
/// choice loses no output and keeps the search small.
/// </remarks>
public static class OutputOrders
{
    /// <summary>
    /// Every distinct output of the program made by <paramref name="setup"/> (a fresh machine + scheduler with
    /// the program started, the same each call). The search stops at <paramref name="maxStates"/> decision
    /// states; each run at <paramref name="maxStepsPerRun"/> steps.
    /// </summary>
    public static OutputEnumeration Enumerate(Func<Scheduler> setup, int maxStates = 20_000, long maxStepsPerRun = 10_000)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var search = new Search(setup, maxStates, maxStepsPerRun);
        search.Run();
        return new OutputEnumeration(new(search.Outputs.Order(StringComparer.Ordinal)), search.Complete, search.Runs, search.Visited.Count, search.Deadlocks);
    }

    /// <summary>Every distinct output of program text, each run on a fresh machine; text that does not compile gives <see cref="OutputEnumeration.Problem"/>.</summary>
    public static OutputEnumeration Enumerate(string source, MachineOptions? options = null, int maxStates = 20_000, long maxStepsPerRun = 10_000)
    {
        var compilation = Program.TryCompile(source, "prog");
        if (compilation.Program is not { } program)
            return new OutputEnumeration(ValueList<string>.Empty, false, 0, 0, 0, "the program does not compile:\n" + compilation);
        return Enumerate(() => Fresh(program, options, null), maxStates, maxStepsPerRun);
    }

    /// <summary>Samples program text with one random interleaving per seed (text that does not compile throws <see cref="ProgramSyntaxException"/>).</summary>
    public static ValueList<SampledOutput> Sample(string source, IEnumerable<int> seeds, MachineOptions? options = null, long maxStepsPerRun = 10_000)
    {
        var program = Program.Compile(source, "prog");
        return Sample(policy => Fresh(program, options, policy), seeds, maxStepsPerRun);
    }

    private static Scheduler Fresh(Program program, MachineOptions? options, SchedulingPolicy? policy)
    {
        // Page-fault and frame events cannot change what is printed: leave them out to keep thousands of replays cheap.
        var scheduler = new Scheduler(Machine.Boot(options ?? new MachineOptions { RecordMemoryEvents = false }), policy);
        scheduler.Start(program);
        return scheduler;
    }

    /// <summary>Runs the program once per seed with a random interleaving and groups the runs by output.</summary>
    public static ValueList<SampledOutput> Sample(Func<SchedulingPolicy, Scheduler> setup, IEnumerable<int> seeds, long maxStepsPerRun = 10_000)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var bySeed = seeds.Select(seed => (seed, output: setup(SchedulingPolicy.Random(seed)).Run(maxStepsPerRun).Output));
        return new(bySeed.GroupBy(r => r.output).Select(g => new SampledOutput(g.Key, new(g.Select(r => r.seed))))
            .OrderByDescending(s => s.Seeds.Count).ThenBy(s => s.Output, StringComparer.Ordinal));
    }

    private sealed class Search(Func<Scheduler> setup, int maxStates, long maxStepsPerRun)
    {
        private readonly Stack<ImmutableList<int>> _work = new();

        public HashSet<string> Outputs { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);
        public bool Complete { get; private set; } = true;
        public long Runs { get; private set; }
        public long Deadlocks { get; private set; }

        public void Run()
        {
            _work.Push([]);
            while (_work.Count > 0) Explore(_work.Pop());
        }

        /// <summary>Replays <paramref name="prefix"/> (one choice per decision), then continues with choice 0, queueing the other choices.</summary>
        private void Explore(ImmutableList<int> prefix)
        {
            var scheduler = setup();
            var path = new Path(prefix);
            Pid? last = null;
            for (long steps = 0; steps < maxStepsPerRun; steps++)
            {
                var runnable = scheduler.RunnableThreads().OrderBy(t => t.Value).ToList();
                if (runnable.Count == 0)
                {
                    Finish(scheduler);
                    return;
                }
                var tid = Choose(scheduler, runnable, last, path);
                if (tid is null) return;
                scheduler.Step(tid.Value);
                last = tid;
            }
            Complete = false;
        }

        /// <summary>The next thread: forced (local step, single choice), replayed, or a new decision whose other branches are queued.</summary>
        private Pid? Choose(Scheduler scheduler, List<Pid> runnable, Pid? last, Path path)
        {
            if (last is { } previous && runnable.Contains(previous) && NextIsLocal(scheduler, previous)) return previous;
            if (runnable.Count == 1) return runnable[0];
            if (path.Replaying) return runnable[path.Take()];
            if (!Visited.Add(StateKey(scheduler))) return null;
            if (Visited.Count > maxStates)
            {
                Complete = false;
                return null;
            }
            for (int i = runnable.Count - 1; i >= 1; i--) _work.Push(path.Choices.Add(i));
            path.Extend(0);
            return runnable[0];
        }

        private sealed class Path(ImmutableList<int> choices)
        {
            private int _position;

            public ImmutableList<int> Choices { get; private set; } = choices;

            public bool Replaying => _position < Choices.Count;

            public int Take() => Choices[_position++];

            public void Extend(int choice)
            {
                Choices = Choices.Add(choice);
                _position++;
            }
        }

        private void Finish(Scheduler scheduler)
        {
            Runs++;
            if (scheduler.LiveThreads().Any()) Deadlocks++;
            Outputs.Add(scheduler.Printed);
        }

        private static bool NextIsLocal(Scheduler scheduler, Pid tid)
        {
            var context = scheduler.Loader.ContextOf(tid);
            return context is not null && context.Program.Instructions[context.Pc]
                is MoveInstruction or UnaryInstruction or BinaryInstruction or JumpInstruction or BranchInstruction;
        }

        /// <summary>
        /// What determines the rest of a run: each thread's PC, registers and blocked/sleeping state, the process
        /// table, the highest PID handed out (the next fork's PID follows it), what was printed, what each thread
        /// gave the output hook (a stdio buffer may hold it), and the memory writes so far. Two decision points with
        /// the same key have the same futures, so the second is not explored again.
        /// </summary>
        private static string StateKey(Scheduler scheduler)
        {
            var sb = new StringBuilder();
            foreach (var (tid, context) in scheduler.LiveThreads().OrderBy(t => t.Tid.Value))
            {
                sb.Append(tid.Value).Append('@').Append(context.Program.Name).Append(':').Append(context.Pc)
                  .Append(scheduler.Machine.Thread(tid)?.State == SimThreadState.Blocked ? "B" : "").Append(context.SleepUntil is { } s ? $"S{s - scheduler.Machine.Clock}" : "");
                foreach (var v in context.Program.Variables) sb.Append(',').Append(context[v]);
                sb.Append(';');
            }
            sb.Append('|').Append(scheduler.Machine.ProcessTableKey());
            sb.Append('|').Append(scheduler.StoreHistory);
            sb.Append('|').Append(scheduler.OutputHistory);
            sb.Append('|').Append(scheduler.HighestPid);
            sb.Append('|').Append(scheduler.Printed);
            return sb.ToString();
        }
    }
}
