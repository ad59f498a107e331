using System.Text;
using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Kernel;

public sealed partial class Machine
{
    /// <summary>Linux's MAX_ARG_STRLEN: one argument string may not exceed 32 pages.</summary>
    private const int MaxArgStrlen = 32 * 4096;

    /// <summary>
    /// execve(path, argv): replaces the calling process's image with a program from <see cref="Programs"/>.
    /// Keeps the PID, the parent, the fds not marked close-on-exec, cwd and ignored signals; destroys the
    /// other threads, resets caught handlers, unshares the fd table and closes close-on-exec fds.
    /// Fails before the point of no return (nothing changed) with ENOENT, EACCES, ENOEXEC, E2BIG or ENOMEM.
    /// </summary>
    public SysResult Exec(Pid caller, string path, IReadOnlyList<string> argv)
    {
        string args = FormatExecArgs(path, argv);
        if (Enter<long>(caller, "execve", args, out var thread) is { } early) return early.WithoutValue();
        if (CheckExec(path, argv) is { } problem)
            return Failed<long>("execve", args, caller, problem.Errno, problem.Reason).WithoutValue();
        var exe = Programs.Find(path)!;
        if (FramesForImage(exe) > Memory.FreeFrames)
            return Failed<long>("execve", args, caller, Errno.ENOMEM, $"the new image of {path} needs {FramesForImage(exe)} frames and {Memory.FreeFrames} are free").WithoutValue();

        // Point of no return: from here on the old image is gone.
        var process = thread.Process;
        KillOtherThreads(thread, "execve by another thread");
        BecomeLeader(thread);
        var oldSpace = process.AddressSpace!;
        process.AddressSpace = NewImage(exe);
        if (LoadImage(process, process.AddressSpace, argv.Count) != AccessOutcome.Ok)
            throw new KernelBugException("exec ran out of frames after checking they were free");
        DropAddressSpace(oldSpace);
        ReleaseVforkParent(process, "exec'd");
        ResetSignalsForExec(process);
        ResetFilesForExec(process);
        process.Executable = path;
        process.HasExeced = true;
        process.Command = exe.CommandName;
        process.Argv = [.. argv];
        thread.Context = ProgramLoader?.Invoke(process, exe, process.Argv);
        Record(new ProcessExeced(Clock, process.Pid, path, new ValueList<string>(process.Argv)));
        return Finish(process.Pid, SysResult<long>.Ok("execve", args, 0)).WithoutValue();
    }

    private static string FormatExecArgs(string path, IReadOnlyList<string> argv) =>
        $"\"{path}\", [{string.Join(", ", argv.Select(a => $"\"{a}\""))}]";

    /// <summary>The execve checks, in the kernel's order: the file, its permission, its format, the argument size.</summary>
    private (Errno Errno, string Reason)? CheckExec(string path, IReadOnlyList<string> argv)
    {
        var exe = Programs.Find(path);
        if (exe is null) return (Errno.ENOENT, $"there is no file {path}");
        if (!exe.ExecutePermission) return (Errno.EACCES, $"{path} is not executable: it has no execute permission");
        if (!exe.IsElf) return (Errno.ENOEXEC, $"{path} is not a program the kernel can load (not ELF, and no #! line)");
        long bytes = 0;
        foreach (string arg in argv)
        {
            int length = Encoding.UTF8.GetByteCount(arg) + 1;
            if (length > MaxArgStrlen) return (Errno.E2BIG, $"one argument is {length} bytes; the limit per string is {MaxArgStrlen}");
            bytes += length;
        }
        if (bytes > Options.ArgMax) return (Errno.E2BIG, $"the arguments take {bytes} bytes; the limit (ARG_MAX) is {Options.ArgMax}");
        return null;
    }

    /// <summary>de_thread: every other thread of the process dies (exec and exit_group both do this).</summary>
    private void KillOtherThreads(SimThread survivor, string reason)
    {
        foreach (var other in survivor.Process.ThreadList.Where(t => t != survivor).ToList())
            RemoveThread(other, reason);
    }

    /// <summary>A non-main thread that execs takes over the main thread's TID, so the PID stays the same.</summary>
    private void BecomeLeader(SimThread thread)
    {
        var pid = thread.Process.Pid;
        if (thread.Tid == pid) return;
        _threads.Remove(thread.Tid.Value);
        _idsInUse.Remove(thread.Tid.Value);
        thread.Tid = pid;
        _threads[pid.Value] = thread;
        _idsInUse.Add(pid.Value);
    }

    private void RemoveThread(SimThread thread, string reason)
    {
        if (thread.State != SimThreadState.Exited) SetState(thread, SimThreadState.Exited, reason);
        thread.Process.ThreadList.Remove(thread);
        _threads.Remove(thread.Tid.Value);
        if (thread.Tid != thread.Process.Pid) _idsInUse.Remove(thread.Tid.Value); // the PID lives on with the process
    }

    /// <summary>One process stops using an address space (exit, exec); the last user frees its frames.</summary>
    private void DropAddressSpace(AddressSpace space)
    {
        if (--space.Users == 0) space.Release();
    }

    private static void ResetSignalsForExec(Process process)
    {
        if (process.Signals.Users > 1)
        {
            process.Signals.Users--;
            process.Signals = process.Signals.Copy();
        }
        process.Signals.ResetCaughtHandlers();
    }

    private static void ResetFilesForExec(Process process)
    {
        if (process.FileTable is null) return;
        process.FileTable = process.FileTable.Unshare();
        process.FileTable.CloseOnExec();
    }
}
