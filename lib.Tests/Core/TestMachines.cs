using CourseKit.Kernel;
using CourseKit.Memory;

namespace CourseKit.Tests.Core;

/// <summary>Small machines and shortcuts shared by the core tests.</summary>
internal static class TestMachines
{
    public static Machine Boot(int frames = 4096, bool cow = true, int pidMax = 32768, int nproc = 4096, bool initReaps = true) =>
        Machine.Boot(new MachineOptions
        {
            Frames = frames, CopyOnWrite = cow, PidMax = pidMax, MaxProcessesPerUser = nproc, InitReapsZombies = initReaps,
        });

    /// <summary>A machine with the student's program running: (machine, its pid).</summary>
    public static (Machine M, Pid P) WithProgram(int frames = 4096, bool cow = true, int nproc = 4096, int pidMax = 32768, bool initReaps = true)
    {
        var m = Boot(frames, cow, pidMax, nproc, initReaps);
        return (m, m.Start("/home/student/a.out"));
    }

    /// <summary>mmaps <paramref name="pages"/> pages and writes one word into each (so each is resident and dirty).</summary>
    public static VirtualAddress MapAndWrite(Machine m, Pid p, int pages, ulong seed = 1)
    {
        var start = m.Mmap(p, (long)pages * m.PageSize, Protection.ReadWrite).Value;
        for (int i = 0; i < pages; i++) m.WriteWord(p, start + (long)i * m.PageSize, seed + (ulong)i).ThrowIfNotOk();
        return start;
    }

    public static void AssertUnchanged(Machine m, Tracing.MachineSnapshot before)
    {
        var after = m.Snapshot();
        Assert.True(before.SameStateAs(after), "the machine changed after a failed call");
    }
}
