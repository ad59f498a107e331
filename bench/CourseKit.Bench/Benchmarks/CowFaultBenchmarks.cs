using BenchmarkDotNet.Attributes;
using CourseKit.Kernel;

namespace CourseKit.Bench.Benchmarks;

/// <summary>
/// Copy-on-write write faults through the public API (<see cref="Machine.WriteWord"/>, what the program
/// interpreter and lessons call): a parent with 262,144 resident pages writes one word into each of them
/// after a fork. Each write takes exactly one fault; the count is checked after every iteration, so the
/// benchmark cannot silently measure something else. Results are per fault.
/// </summary>
[InvocationCount(1)]
public class CowFaultBenchmarks
{
    /// <summary>Pages written per invocation (one fault each).</summary>
    public const int Pages = Workload.OneGiBPages;

    private Resident _process = null!;
    private Pid _child;
    private long _faultsBefore;

    /// <summary>Builds the parent, with room for a copy of every page.</summary>
    [GlobalSetup]
    public void Setup() => _process = Workload.ResidentProcess(Pages, spareFrames: Pages);

    /// <summary>A fresh fork before each copy iteration: every page is shared copy-on-write with the child.</summary>
    [IterationSetup(Target = nameof(CowCopy))]
    public void ForkChild()
    {
        _child = _process.Machine.Fork(_process.Pid).Value;
        _faultsBefore = _process.Machine.Process(_process.Pid)!.Faults.CowCopy;
    }

    /// <summary>A fork whose child is gone again before each reuse iteration: the pages are still marked
    /// copy-on-write but the parent is their only user (map count 1).</summary>
    [IterationSetup(Target = nameof(CowReuse))]
    public void ForkAndReapChild()
    {
        var child = _process.Machine.Fork(_process.Pid).Value;
        Workload.ExitAndReap(_process.Machine, _process.Pid, child);
        _faultsBefore = _process.Machine.Process(_process.Pid)!.Faults.CowReuse;
    }

    /// <summary>Write faults that copy the frame (the child still maps it).</summary>
    [Benchmark(Description = "COW write fault, copy", OperationsPerInvoke = Pages)]
    public void CowCopy() => WriteEveryPage();

    /// <summary>Write faults that only make the page writable again (the writer is the last user).</summary>
    [Benchmark(Description = "COW write fault, reuse", OperationsPerInvoke = Pages)]
    public void CowReuse() => WriteEveryPage();

    private void WriteEveryPage()
    {
        var machine = _process.Machine;
        var pid = _process.Pid;
        for (int i = 0; i < Pages; i++) machine.WriteWord(pid, _process.Page(i), (ulong)i + 1);
    }

    /// <summary>Checks that the iteration took exactly one copy fault per page, then reaps the child.</summary>
    [IterationCleanup(Target = nameof(CowCopy))]
    public void CheckCopiesAndReap()
    {
        Expect(_process.Machine.Process(_process.Pid)!.Faults.CowCopy - _faultsBefore, "copy");
        Workload.ExitAndReap(_process.Machine, _process.Pid, _child);
    }

    /// <summary>Checks that the iteration took exactly one reuse fault per page.</summary>
    [IterationCleanup(Target = nameof(CowReuse))]
    public void CheckReuses() => Expect(_process.Machine.Process(_process.Pid)!.Faults.CowReuse - _faultsBefore, "reuse");

    private static void Expect(long faults, string kind)
    {
        if (faults != Pages) throw new InvalidOperationException($"expected {Pages} COW {kind} faults in the iteration, got {faults}");
    }
}
