using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Tests.Core;

/// <summary>
/// The one way the on-demand fork tests compare the two fork strategies: the same steps on a machine with
/// Linux's fork and on one with on-demand fork, which must agree after every step on the step's result, the
/// events, the whole snapshot (pages, flags, map counts, smaps, faults, free frames), the frames' contents and
/// each process's resident count, while the on-demand machine keeps the kernel's invariants.
/// </summary>
internal static class ForkStrategyTwins
{
    /// <summary>
    /// Boots both machines with <paramref name="boot"/> (its argument: on-demand or not), starts a program on
    /// each, and runs step 0 to <paramref name="steps"/> - 1 on both. <paramref name="checkResult"/> can add
    /// a test's own demand on a step's result (say, that it did not fail).
    /// </summary>
    public static void Run(Func<bool, Machine> boot, int steps, Func<Machine, int, object?> step,
        Func<int, string>? describe = null, Action<string, string>? checkResult = null)
    {
        var classic = boot(false);
        var onDemand = boot(true);
        classic.Start("/home/student/a.out");
        onDemand.Start("/home/student/a.out");
        var before = onDemand.Snapshot();
        for (int i = 0; i < steps; i++)
        {
            long start = onDemand.Clock + 1;
            string expected = step(classic, i)?.ToString() ?? "", actual = step(onDemand, i)?.ToString() ?? "";
            string where = describe?.Invoke(i) ?? $"step {i}";
            Assert.True(expected == actual, $"{where}: classic {expected}\non-demand {actual}");
            checkResult?.Invoke(where, actual);
            before = Compare(classic, onDemand, before, start, where);
        }
        KernelInvariants.KillEverythingAndCheckNoLeak(onDemand);
        KernelInvariants.KillEverythingAndCheckNoLeak(classic);
        Assert.Equal(classic.Snapshot(), onDemand.Snapshot());
    }

    /// <summary>The machines agree after a step: snapshots, events, frame contents, resident counts, invariants.</summary>
    private static MachineSnapshot Compare(Machine classic, Machine onDemand, MachineSnapshot before, long start, string where)
    {
        var after = onDemand.Snapshot();
        Assert.True(classic.Snapshot() == after, $"{where}: the machines' snapshots differ\n{Difference(classic.Snapshot(), after)}");
        Assert.Equal(classic.Events.Select(e => e.ToString()), onDemand.Events.Select(e => e.ToString()));
        SameContents(classic, onDemand, after, where);
        KernelInvariants.CheckAfterStep(onDemand, before, after, start);
        foreach (var process in onDemand.Processes.Where(p => p.AddressSpace is not null))
            Assert.True(process.AddressSpace!.ResidentPages == after[process.Pid]!.Memory!.Pages.Count, $"{where}: {process.Pid}'s resident count");
        return after;
    }

    /// <summary>The words the generated stores write (first words, last word) are the same in every used frame.</summary>
    private static void SameContents(Machine classic, Machine onDemand, MachineSnapshot after, string where)
    {
        int words = onDemand.PageSize / 8;
        foreach (var frame in after.Frames.Used)
            foreach (int word in new[] { 0, 1, 2, 3, words - 1 })
                Assert.True(classic.Memory.ReadWord(frame.Frame, word) == onDemand.Memory.ReadWord(frame.Frame, word), $"{where}: word {word} of {frame.Frame} differs");
    }

    private static string Difference(MachineSnapshot a, MachineSnapshot b)
    {
        if (a.Frames != b.Frames) return $"frames: {a.Frames.Free} vs {b.Frames.Free} free; first differing used frame: "
            + a.Frames.Used.Zip(b.Frames.Used).FirstOrDefault(x => x.First != x.Second);
        foreach (var p in a.Processes)
        {
            var q = b[p.Pid];
            if (q is null) return $"{p.Pid} missing";
            if (p == q) continue;
            if (p.Memory is { } x && q.Memory is { } y)
            {
                var page = x.Pages.Zip(y.Pages).FirstOrDefault(z => z.First != z.Second);
                return $"{p.Pid}: pages {x.Pages.Count} vs {y.Pages.Count}, first differing {page}, smaps {x.Smaps} vs {y.Smaps}, faults {p.Faults} vs {q.Faults}";
            }
            return $"{p.Pid}: {p} vs {q}";
        }
        return "elsewhere";
    }
}
