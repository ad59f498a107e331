using CourseKit.Kernel;
using CourseKit.Memory;

namespace CourseKit.Bench;

/// <summary>
/// The simulated processes the benchmarks measure: a student's shell with a large anonymous mapping whose
/// every page was written once (resident and private dirty, like the C probe's region after its write loop).
/// </summary>
internal static class Workload
{
    /// <summary>4 KiB pages, as on x86-64 and in the real-kernel probe.</summary>
    public const int PageSize = 4096;

    /// <summary>262,144 pages of 4 KiB: the 1 GiB region the real-kernel probe forks.</summary>
    public const int OneGiBPages = 262_144;

    /// <summary>A million resident pages (4 GiB of simulated memory).</summary>
    public const int MillionPages = 1 << 20;

    /// <summary>
    /// Boots a machine with room for <paramref name="pages"/> resident pages plus <paramref name="spareFrames"/>
    /// (for copies), starts /bin/sh and writes one word to each page of a fresh mmap region, so every page is
    /// resident. Memory events are off: a benchmark measures the simulation, not the event log. With
    /// <paramref name="onDemandFork"/> the machine shares page tables at fork (MachineOptions.OnDemandFork).
    /// </summary>
    public static Resident ResidentProcess(int pages, int spareFrames = 0, bool onDemandFork = false)
    {
        var machine = Machine.Boot(Options(pages + spareFrames + 64) with { OnDemandFork = onDemandFork });
        var pid = machine.Start("/bin/sh");
        var start = machine.Mmap(pid, (long)pages * PageSize, Protection.ReadWrite).Value;
        for (long i = 0; i < pages; i++) machine.WriteWord(pid, start + i * PageSize, (ulong)i).ThrowIfNotOk();
        if (machine.Process(pid)!.AddressSpace!.ResidentPages < pages)
            throw new InvalidOperationException($"the workload should have {pages} resident pages");
        return new Resident(machine, pid, start, pages);
    }

    /// <summary>Machine settings for big processes: enough frames, no per-fault events.</summary>
    public static MachineOptions Options(int frames) => new()
    {
        Frames = frames,
        PageSize = PageSize,
        RecordMemoryEvents = false,
    };

    /// <summary>The child of a fork exits and its parent reaps it: the machine is back where it was.</summary>
    public static void ExitAndReap(Machine machine, Pid parent, Pid child)
    {
        machine.Exit(child, 0).ThrowIfNotOk();
        var waited = machine.Wait(parent, child);
        if (!waited.IsOk) throw new InvalidOperationException($"reaping {child} failed: {waited}");
    }
}

/// <summary>A machine with one process holding <see cref="Pages"/> resident pages from <see cref="Start"/> on.</summary>
internal sealed record Resident(Machine Machine, Pid Pid, VirtualAddress Start, int Pages)
{
    /// <summary>The address of page <paramref name="i"/> of the region.</summary>
    public VirtualAddress Page(long i) => Start + i * Workload.PageSize;
}
