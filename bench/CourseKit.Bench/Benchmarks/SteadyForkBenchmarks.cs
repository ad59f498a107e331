using BenchmarkDotNet.Attributes;

namespace CourseKit.Bench.Benchmarks;

/// <summary>
/// The calls that take microseconds, timed in steady state: each invocation is a whole fork (or vfork) + exit +
/// wait, so the machine is back where it was after every one and BenchmarkDotNet can run as many as it likes
/// (the JIT has optimized the code by the time it measures). <see cref="ForkBenchmarks"/> times one call per
/// iteration instead (fork must be undone outside the measurement), which for microsecond calls mostly times
/// code not yet optimized.
/// </summary>
public class SteadyForkBenchmarks
{
    private Resident _onDemand = null!;
    private Resident _onDemandFourGiB = null!;
    private Resident _linux = null!;

    /// <summary>A 1 GiB process on a Linux-like machine, and 1 GiB and 4 GiB ones on on-demand-fork machines.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _linux = Workload.ResidentProcess(Workload.OneGiBPages);
        _onDemand = Workload.ResidentProcess(Workload.OneGiBPages, onDemandFork: true);
        _onDemandFourGiB = Workload.ResidentProcess(Workload.MillionPages, onDemandFork: true);
    }

    /// <summary>On-demand fork of 1 GiB, then the child exits and is reaped.</summary>
    [Benchmark(Description = "on-demand fork + exit + wait, 262,144 resident pages")]
    public void OnDemandForkExitWaitSteady() => ForkExitWait(_onDemand);

    /// <summary>The same with four times the memory.</summary>
    [Benchmark(Description = "on-demand fork + exit + wait, 1,048,576 resident pages")]
    public void OnDemandForkExitWaitFourGiBSteady() => ForkExitWait(_onDemandFourGiB);

    /// <summary>vfork of 1 GiB (nothing copied, nothing shared: the child borrows the memory), exit, wait.</summary>
    [Benchmark(Description = "vfork + exit + wait, 262,144 resident pages")]
    public void VforkExitWaitSteady()
    {
        var child = _linux.Machine.Vfork(_linux.Pid).Value;
        Workload.ExitAndReap(_linux.Machine, _linux.Pid, child);
    }

    private static void ForkExitWait(Resident process)
    {
        var child = process.Machine.Fork(process.Pid).Value;
        Workload.ExitAndReap(process.Machine, process.Pid, child);
    }
}
