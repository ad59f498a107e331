using BenchmarkDotNet.Attributes;
using CourseKit.Kernel;

namespace CourseKit.Bench.Benchmarks;

/// <summary>
/// fork() of a process with 262,144 resident pages (1 GiB of 4 KiB pages), the size the real-kernel probe
/// forks in the same run. One fork per invocation: the child is reaped after each iteration, so every
/// measured fork starts from the same machine (a parent with one child is not the workload).
/// </summary>
[InvocationCount(1)]
public class ForkBenchmarks
{
    private Resident _process = null!;
    private Pid _child;

    /// <summary>Builds the 1 GiB process once.</summary>
    [GlobalSetup]
    public void Setup() => _process = Workload.ResidentProcess(Workload.OneGiBPages);

    /// <summary>fork(): until it returns in the parent (what the probe's return_us measures).</summary>
    [Benchmark(Description = "fork, 262,144 resident pages")]
    public Pid Fork() => _child = _process.Machine.Fork(_process.Pid).Value;

    /// <summary>vfork(): borrows the address space, so its cost does not depend on the size.</summary>
    [Benchmark(Description = "vfork, 262,144 resident pages")]
    public Pid Vfork() => _child = _process.Machine.Vfork(_process.Pid).Value;

    /// <summary>fork, then the child exits and the parent reaps it (the probe's reaped_us).</summary>
    [Benchmark(Description = "fork + exit + wait, 262,144 resident pages")]
    public void ForkExitWait()
    {
        var child = _process.Machine.Fork(_process.Pid).Value;
        Workload.ExitAndReap(_process.Machine, _process.Pid, child);
    }

    /// <summary>Reaps the child of the measured fork or vfork.</summary>
    [IterationCleanup(Targets = [nameof(Fork), nameof(Vfork)])]
    public void ReapChild() => Workload.ExitAndReap(_process.Machine, _process.Pid, _child);
}
