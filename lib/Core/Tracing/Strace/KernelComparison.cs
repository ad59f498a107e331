using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using CourseKit.Kernel;
using CourseKit.Memory;

namespace CourseKit.Tracing.Strace;

/// <summary>
/// One quantity of one moment, measured on Linux and predicted by the simulator, side by side.
/// </summary>
/// <param name="Scenario">"256 pages, child writes 25 %, parent writes while the child lives" and the like.</param>
/// <param name="Step">The step of the scenario (touched, forked, child_wrote ...).</param>
/// <param name="Process">parent or child.</param>
/// <param name="Quantity">minor faults, Rss, Pss, Shared_Clean, Shared_Dirty, Private_Clean, Private_Dirty (kB).</param>
/// <param name="Measured">The kernel's number (datasets/).</param>
/// <param name="Simulated">The simulator's number.</param>
/// <param name="Exact">True where the model claims exactness (then Measured must equal Simulated).</param>
public sealed record ComparisonRow(string Scenario, string Step, string Process, string Quantity, long Measured, long Simulated, bool Exact)
{
    /// <summary>True when the two numbers are equal.</summary>
    public bool Agrees => Measured == Simulated;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Scenario} | {Step} | {Process} | {Quantity}: measured {Measured}, simulated {Simulated}{(Agrees ? "" : " (differs)")}";
}

/// <summary>A non-numeric fact, measured on Linux and predicted by the simulator (e.g. who adopts an orphan).</summary>
/// <param name="Scenario">The dataset.</param>
/// <param name="Step">The scenario inside it.</param>
/// <param name="Process">Which process.</param>
/// <param name="Quantity">What is compared.</param>
/// <param name="Measured">The kernel's answer.</param>
/// <param name="Simulated">The simulator's answer.</param>
/// <param name="Exact">True where the model claims to be exact.</param>
public sealed record ComparisonFact(string Scenario, string Step, string Process, string Quantity, string Measured, string Simulated, bool Exact)
{
    /// <summary>True when the answers are equal.</summary>
    public bool Agrees => Measured == Simulated;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Scenario} | {Step} | {Process} | {Quantity}: measured {Measured}, simulated {Simulated}{(Agrees ? "" : " (differs)")}";
}

/// <summary>
/// The simulator against the real kernel: replays each scenario of a dataset on a simulated machine and
/// lines up the numbers. The copy-on-write model is exact for 4 KiB pages without huge pages, so every
/// row it produces is marked <see cref="ComparisonRow.Exact"/>.
/// </summary>
public static class KernelComparison
{
    private const string Program = "/home/student/a.out";

    /// <summary>
    /// Every copy-on-write scenario of <paramref name="data"/> the model covers (4 KiB pages, no huge page used),
    /// one row per step, process and quantity: minor faults (where the process wrote), and the six smaps sizes.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> Cow(Dataset<CowMeasurement> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = new List<ComparisonRow>();
        if (data.Provenance.PageSize != 4096) return rows;     // the model is written for 4 KiB pages
        var scenarios = data.Rows.GroupBy(r => (r.Pages, r.Percent, r.Order))
            .Where(s => !s.Any(r => r.AnonHugeKb != 0))          // a huge page changes the fault counts completely
            .ToList();
        // Each replay runs on its own machine and shares nothing with the others, so the replays run in
        // parallel (on a notebook's cold start this cell was the slowest of lesson 08: 24 replays, up to 16,384
        // pages each). Rows are then added in the dataset's order, so the result does not depend on the timing.
        var replays = new IReadOnlyList<CowMeasurement>[scenarios.Count];
        var largestFirst = Enumerable.Range(0, scenarios.Count).OrderByDescending(i => scenarios[i].Key.Pages).ToList();
        try
        {
            Parallel.ForEach(Partitioner.Create(largestFirst, EnumerablePartitionerOptions.NoBuffering), i =>
                replays[i] = SimulateCow(scenarios[i].Key.Pages, scenarios[i].Key.Percent, scenarios[i].Key.Order));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);   // the replay's own error, as a sequential loop would throw it
        }
        for (int i = 0; i < scenarios.Count; i++)
        {
            var scenario = scenarios[i];
            var simulated = replays[i].ToDictionary(r => (r.Step, r.Process));
            string name = Describe(scenario.Key.Pages, scenario.Key.Percent, scenario.Key.Order);
            foreach (var measured in scenario)
            {
                if (!simulated.TryGetValue((measured.Step, measured.Process), out var sim))
                    throw new InvalidDataException($"{name}: the dataset has a step '{measured.Step}' for the {measured.Process} that the replay does not know");
                void Add(string quantity, long m, long s) => rows.Add(new ComparisonRow(name, measured.Step, measured.Process, quantity, m, s, Exact: true));
                if (measured.MinorFaults is long faults) Add("minor faults", faults, sim.MinorFaults ?? 0);
                Add("Rss kB", measured.RssKb, sim.RssKb);
                Add("Pss kB", measured.PssKb, sim.PssKb);
                Add("Shared_Clean kB", measured.SharedCleanKb, sim.SharedCleanKb);
                Add("Shared_Dirty kB", measured.SharedDirtyKb, sim.SharedDirtyKb);
                Add("Private_Clean kB", measured.PrivateCleanKb, sim.PrivateCleanKb);
                Add("Private_Dirty kB", measured.PrivateDirtyKb, sim.PrivateDirtyKb);
            }
        }
        return rows;
    }

    /// <summary>
    /// Runs datasets/capture/cow.c's scenario on a simulated machine and reports it in the dataset's own shape:
    /// the parent maps and writes <paramref name="pages"/> pages, forks, the child writes the first
    /// <paramref name="percent"/> % and rewrites them, then the parent writes every page while the child lives
    /// (<paramref name="order"/> "alive") or after reaping it ("exited"), then rewrites every page.
    /// </summary>
    public static IReadOnlyList<CowMeasurement> SimulateCow(int pages, int percent, string order)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pages);
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (order is not ("alive" or "exited")) throw new ArgumentException($"order must be \"alive\" or \"exited\", not \"{order}\"", nameof(order));

        var m = Machine.Boot(new MachineOptions { Frames = 2 * pages + 1024, RecordMemoryEvents = false });
        var parent = m.Start(Program);
        var region = m.Mmap(parent, (long)pages * m.PageSize, Protection.ReadWrite).Value;
        int childPages = pages * percent / 100;
        var rows = new List<CowMeasurement>();
        Pid child = default;

        long Write(Pid who, int count, ulong value)
        {
            long before = m.Process(who)!.Faults.Minor;
            for (int i = 0; i < count; i++) m.WriteWord(who, region + (long)i * m.PageSize, value).ThrowIfNotOk();
            return m.Process(who)!.Faults.Minor - before;
        }
        void Report(string step, Pid who, string process, int written, long? faults)
        {
            var space = m.Process(who)!.AddressSpace!;
            var s = space.Smaps(space.FindSegment(region));
            rows.Add(new CowMeasurement(pages, percent, order, step, process, written, faults,
                s.Rss, s.Pss, s.SharedClean, s.SharedDirty, s.PrivateClean, s.PrivateDirty, AnonHugeKb: 0));
        }
        void ChildExitsAndIsReaped()
        {
            m.Exit(child, 0).ThrowIfNotOk();
            m.Wait(parent, child).ThrowIfNotOk();
            Report("child_reaped", parent, "parent", 0, null);
        }

        Report("touched", parent, "parent", pages, Write(parent, pages, 1));
        child = m.Fork(parent).Value;
        Report("forked", child, "child", 0, null);
        Report("forked", parent, "parent", 0, null);
        Report("child_wrote", child, "child", childPages, Write(child, childPages, 2));
        Report("child_wrote", parent, "parent", 0, null);
        Report("child_rewrote", child, "child", childPages, Write(child, childPages, 3));
        Report("child_rewrote", parent, "parent", 0, null);
        if (order == "alive")
        {
            long faults = Write(parent, pages, 4);
            Report("parent_wrote", child, "child", 0, null);
            Report("parent_wrote", parent, "parent", pages, faults);
            ChildExitsAndIsReaped();
        }
        else
        {
            ChildExitsAndIsReaped();
            Report("parent_wrote", parent, "parent", pages, Write(parent, pages, 4));
        }
        Report("parent_rewrote", parent, "parent", pages, Write(parent, pages, 5));
        return rows;
    }

    /// <summary>
    /// Each wait-status scenario of datasets/process-facts replayed on a simulated machine: the status word
    /// (exit code &lt;&lt; 8, signal number in the low 7 bits), or what waitpid returned and its errno.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> WaitStatuses(Dataset<WaitStatusMeasurement> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var rows = new List<ComparisonRow>();
        foreach (var measured in data.Rows)
        {
            if (SimulateWait(measured.Scenario) is not var (result, errno, status)) continue;   // a scenario the replay does not know
            void Add(string quantity, long m, long s) => rows.Add(new ComparisonRow("wait statuses", measured.Scenario, "parent", quantity, m, s, Exact: true));
            if (measured.Status is int raw) Add("status word", raw, status ?? -1);
            else
            {
                Add("waitpid result", long.Parse(measured.Result, System.Globalization.CultureInfo.InvariantCulture), result);
                if (measured.ErrnoName is string name && Enum.TryParse(name, out Errno e)) Add("errno", (long)e, (long)errno);
            }
        }
        return rows;
    }

    /// <summary>
    /// Replays datasets/process-facts/reparent.csv: top forks X, X forks C, C forks G, X exits (top is a child
    /// subreaper in the "subreaper" scenario). Compares the new parent of C and G by role (init, top, C).
    /// A measured parent "other" (an ancestor subreaper outside the probe) is not a claim of the model: skipped.
    /// </summary>
    public static IReadOnlyList<ComparisonFact> Reparenting(Dataset<ReparentMeasurement> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var facts = new List<ComparisonFact>();
        foreach (var scenario in data.Rows.GroupBy(r => r.Scenario))
        {
            if (scenario.Key is not ("orphan" or "subreaper")) continue;
            var m = Machine.Boot(new MachineOptions());
            var top = m.Start(Program);
            if (scenario.Key == "subreaper") m.SetChildSubreaper(top, true).ThrowIfNotOk();
            var x = m.Fork(top).Value;
            var c = m.Fork(x).Value;
            var g = m.Fork(c).Value;
            m.Exit(x, 0).ThrowIfNotOk();
            m.Wait(top, x).ThrowIfNotOk();
            string Role(Pid p) => p == Pid.Init ? "init" : p == top ? "top" : p == x ? "X" : p == c ? "C" : "other";
            foreach (var measured in scenario.Where(r => r.ParentAfter != "other"))
            {
                var who = measured.Process switch { "C" => c, "G" => g, _ => (Pid?)null };
                if (who is null) continue;
                facts.Add(new ComparisonFact("reparenting", scenario.Key, measured.Process, "parent after X exited",
                    measured.ParentAfter, Role(m.Process(who.Value)!.PPid), Exact: true));
            }
        }
        return facts;
    }

    /// <summary>(waitpid result, errno, status) of one scenario on a simulated machine; null for an unknown scenario.</summary>
    private static (long Result, Errno Errno, int? Status)? SimulateWait(string scenario)
    {
        var m = Machine.Boot(new MachineOptions());
        var parent = m.Start(Program);
        if (scenario == "wait_no_children")
        {
            var none = m.Wait(parent);
            return none.IsOk ? (none.Value.Pid.Value, Errno.None, null) : (-1, none.Errno, null);
        }
        var child = m.Fork(parent).Value;
        if (scenario == "wnohang_child_running")
        {
            var w = m.Wait(parent, null, WaitOptions.NoHang);
            return w.IsOk ? (w.Value.Pid.Value, Errno.None, null) : (-1, w.Errno, null);
        }
        if (scenario.StartsWith("exit_", StringComparison.Ordinal))
        {
            string n = scenario["exit_".Length..].Replace("minus_", "-", StringComparison.Ordinal);
            m.Exit(child, int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ThrowIfNotOk();
        }
        else if (scenario == "killed_SIGTERM") m.Kill(parent, child, Signal.SIGTERM).ThrowIfNotOk();
        else if (scenario == "killed_SIGKILL") m.Kill(parent, child, Signal.SIGKILL).ThrowIfNotOk();
        else if (scenario == "abort_SIGABRT") _ = m.Kill(child, child, Signal.SIGABRT);          // abort() raises SIGABRT on itself
        else if (scenario == "write_to_null_SIGSEGV") _ = m.WriteWord(child, new VirtualAddress(0), 1);   // kills the child
        else if (scenario == "exec_failed_127")
        {
            if (m.Exec(child, "/nonexistent", ["nonexistent"]).IsOk) return null;
            m.Exit(child, 127).ThrowIfNotOk();
        }
        else return null;
        var reaped = m.Wait(parent, child);
        return reaped.IsOk ? (reaped.Value.Pid.Value, Errno.None, reaped.Value.Status.Raw) : (-1, reaped.Errno, null);
    }

    private static string Describe(int pages, int percent, string order) =>
        $"{pages} pages, child writes {percent} %, parent writes {(order == "alive" ? "while the child lives" : "after the child exited")}";
}
