using CourseKit.Files;
using CourseKit.Kernel;

namespace CourseKit.Tests.Files;

/// <summary>Machines with a file layer, for the files tests.</summary>
internal static class FileTestMachines
{
    /// <summary>A booted machine with files attached and a student's /bin/sh started (fds 0-2 on the terminal).</summary>
    public static (Machine M, FileSystem Fs, Pid P) WithFiles(FileSystemOptions? options = null)
    {
        var m = Machine.Boot();
        var fs = FileSystem.Attach(m, options);
        var p = m.Start("/bin/sh");
        return (m, fs, p);
    }

    /// <summary>Fails with the broken invariants listed.</summary>
    public static void AssertConsistent(FileSystem fs)
    {
        var broken = fs.CheckInvariants();
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    /// <summary>Kills and reaps every process but init, then checks that only init's terminal description is left.</summary>
    public static void AssertNothingLeaksAfterEveryoneExits(Machine m, FileSystem fs)
    {
        foreach (var process in m.Processes.Where(p => p.Pid != Pid.Init && p.ExitStatus is null).ToList())
            m.Kill(Pid.Init, process.Pid, Signal.SIGKILL);
        AssertConsistent(fs);
        Assert.Equal(0, fs.PipeCount);
        var snapshot = fs.Snapshot();
        Assert.Single(snapshot.Tables);
        Assert.Equal([Pid.Init], snapshot.Tables[0].Processes);
        Assert.Equal(["/dev/tty"], snapshot.OpenFiles.Select(f => f.Name));
        Assert.Equal(3, snapshot.OpenFiles[0].References);
    }
}
