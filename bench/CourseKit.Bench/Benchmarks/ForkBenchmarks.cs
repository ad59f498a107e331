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
    private Resident _onDemand = null!;
    private Resident _onDemandMillion = null!;
    private Pid _child;

    /// <summary>Builds the 1 GiB process once, on a Linux-like machine and on on-demand-fork machines (1 GiB and 4 GiB).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _process = Workload.ResidentProcess(Workload.OneGiBPages);
        _onDemand = Workload.ResidentProcess(Workload.OneGiBPages, spareFrames: 1024, onDemandFork: true);
        _onDemandMillion = Workload.ResidentProcess(Workload.MillionPages, spareFrames: 1024, onDemandFork: true);
    }

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

    /// <summary>On-demand fork: the child points at the parent's page-table directories (one per GiB) instead of copying the tables.</summary>
    [Benchmark(Description = "on-demand fork, 262,144 resident pages")]
    public Pid OnDemandFork() => _child = _onDemand.Machine.Fork(_onDemand.Pid).Value;

    /// <summary>On-demand fork of four times as much memory: the same few directories to share, so the same cost.</summary>
    [Benchmark(Description = "on-demand fork, 1,048,576 resident pages")]
    public Pid OnDemandForkMillion() => _child = _onDemandMillion.Machine.Fork(_onDemandMillion.Pid).Value;

    /// <summary>On-demand fork, then the child writes one page (copying one directory, one leaf and one frame), exits and is reaped.</summary>
    [Benchmark(Description = "on-demand fork + one write in the child + exit + wait, 262,144 resident pages")]
    public void OnDemandForkWriteExitWait()
    {
        var child = _onDemand.Machine.Fork(_onDemand.Pid).Value;
        _onDemand.Machine.WriteWord(child, _onDemand.Start, 1).ThrowIfNotOk();
        Workload.ExitAndReap(_onDemand.Machine, _onDemand.Pid, child);
    }

    /// <summary>Reaps the child of the measured fork or vfork.</summary>
    [IterationCleanup(Targets = [nameof(Fork), nameof(Vfork)])]
    public void ReapChild() => Workload.ExitAndReap(_process.Machine, _process.Pid, _child);

    /// <summary>Reaps the child of the measured on-demand fork.</summary>
    [IterationCleanup(Targets = [nameof(OnDemandFork)])]
    public void ReapOnDemandChild() => Workload.ExitAndReap(_onDemand.Machine, _onDemand.Pid, _child);

    /// <summary>Reaps the child of the measured on-demand fork of the 4 GiB process.</summary>
    [IterationCleanup(Targets = [nameof(OnDemandForkMillion)])]
    public void ReapOnDemandMillionChild() => Workload.ExitAndReap(_onDemandMillion.Machine, _onDemandMillion.Pid, _child);
}
