using BenchmarkDotNet.Attributes;
using CourseKit.Kernel;

namespace CourseKit.Bench.Benchmarks;

/// <summary>
/// Building a process with a million resident pages from scratch (boot, start, mmap 4 GiB, write every
/// page). The memory diagnoser reports every byte allocated on the way: an upper bound on what the finished
/// machine keeps (the report also measures what it keeps, see <see cref="RetainedMemory"/>).
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[InvocationCount(1)]
public class MemoryBenchmarks
{
    /// <summary>Boots a machine and makes a million pages of one process resident.</summary>
    [Benchmark(Description = "build a 1,048,576-page process")]
    public Machine BuildMillionPageProcess() => Workload.ResidentProcess(Workload.MillionPages).Machine;
}

/// <summary>
/// Managed memory a resident simulated page costs: the live heap (after a full collection) with a
/// million-page machine, minus the heap without it, divided by the resident pages.
/// </summary>
internal static class RetainedMemory
{
    /// <summary>(bytes retained by the whole machine, resident pages).</summary>
    public static (long Bytes, long Pages) Measure()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var process = Workload.ResidentProcess(Workload.MillionPages);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        long pages = process.Machine.Process(process.Pid)!.AddressSpace!.ResidentPages;
        GC.KeepAlive(process);
        return (after - before, pages);
    }
}
