using CourseKit.Kernel;
using CourseKit.Tracing;
using CourseKit.Tracing.Strace;

namespace CourseKit.Tests.Datasets;

/// <summary>Real traces become the simulator's events and process tree.</summary>
public class StraceImporterTests
{
    private static ImportedTrace Import(string name) =>
        StraceImporter.Import(DatasetFiles.Read("strace", name)).ValueOrThrow();

    public static TheoryData<string> AllTraces() => new(DatasetFiles.Traces().Select(System.IO.Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(AllTraces))]
    public void Every_trace_gives_ordered_events_with_creation_before_the_childs_first_event(string name)
    {
        var imported = Import(name);
        var events = imported.Events;
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Time <= p.Second.Time), "time went backwards");
        foreach (var created in events.OfType<ProcessCreated>())
        {
            int at = events.ToList().IndexOf(created);
            Assert.DoesNotContain(events.Take(at), e => e.Pid == created.Child);
        }
        Assert.All(events.OfType<SyscallEvent>(), e => Assert.Contains(e.Name, StraceImporter.ProcessCalls));
        // every process of the trace is a tree node, with its children
        var tree = imported.Tree;
        Assert.Equal(imported.Trace.Processes.Select(p => p.Tid).Order(), tree.Nodes.Select(n => n.Pid.Value).Order());
        foreach (var node in tree.Nodes)
            Assert.All(node.Children, c => Assert.Equal(node.Pid, tree[c]!.PPid));
    }

    [Fact]
    public void Pipeline_events()
    {
        var imported = Import("pipeline.trace");
        var events = imported.Events;
        int bash = imported.Trace.Root.Tid;
        var byStrace = Assert.Single(events.OfType<ProcessCreated>(), c => c.Pid == Pid.Zero);   // strace started bash
        Assert.Equal((new Pid(bash), events[0]), (byStrace.Child, (KernelEvent)byStrace));
        var created = events.OfType<ProcessCreated>().Where(c => c.Pid != Pid.Zero).ToList();
        Assert.Equal(2, created.Count);
        Assert.All(created, c =>
        {
            Assert.Equal(new Pid(bash), c.Pid);
            Assert.Equal(new Pid(bash), c.Parent);
            Assert.False(c.IsThread);
            Assert.Equal(17, c.Flags.ExitSignal());
        });
        Assert.Equal(["/usr/bin/bash", "/usr/bin/ls", "/usr/bin/wc"], events.OfType<ProcessExeced>().Select(e => e.Path).Order());
        Assert.All(events.OfType<ProcessExited>(), e => Assert.Equal(WaitStatus.Exited(0), e.Status));
        Assert.Equal(3, events.OfType<ProcessExited>().Count());
        var reaped = events.OfType<ProcessReaped>().ToList();
        Assert.Equal(created.Select(c => c.Child), reaped.Select(r => r.Pid).Order());
        Assert.All(reaped, r => Assert.Equal(new Pid(bash), r.By));
        // the ECHILD of the last wait4(WNOHANG) keeps its errno
        Assert.Contains(events.OfType<SyscallEvent>(), e => e.Name == "wait4" && e.Errno == Errno.ECHILD);
        // blocking wait4 shows as Running -> Blocked -> Running
        Assert.Contains(events.OfType<ThreadStateChanged>(), e => e.Pid == new Pid(bash) && e.To == SimThreadState.Blocked && e.Reason == "in wait4");
    }

    [Fact]
    public void A_real_trace_tree_prints_from_its_root_like_pstree()
    {
        var imported = Import("pipeline.trace");
        var lines = imported.Tree.ToText().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int bash = imported.Trace.Root.Tid;
        Assert.StartsWith($"bash({bash})", lines[0]);
        Assert.Equal(imported.Tree.Nodes.Count, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.StartsWith("  ", l));
    }

    [Fact]
    public void Unknown_calls_are_skipped_so_the_full_trace_gives_the_same_kinds_of_events()
    {
        static IEnumerable<string> Kinds(ImportedTrace t) => t.Events
            .Where(e => e is not ThreadStateChanged)           // which calls strace had to split depends on timing
            .Select(e => e is SyscallEvent s ? s.Name : e.GetType().Name).Order();
        var all = Import("pipeline-all-syscalls.trace");
        Assert.True(all.Trace.Calls.Count() > 200);
        Assert.DoesNotContain(all.Events.OfType<SyscallEvent>(), e => e.Name is "mmap" or "openat" or "read");
        Assert.Equal(Kinds(Import("pipeline.trace")), Kinds(all));
    }

    [Fact]
    public void Threads_are_created_with_CLONE_THREAD_and_end_as_threads()
    {
        var imported = Import("threads.trace");
        var created = imported.Events.OfType<ProcessCreated>().Where(c => c.Pid != Pid.Zero).ToList();
        Assert.Equal(3, created.Count);
        Assert.All(created, c =>
        {
            Assert.True(c.IsThread);
            Assert.True(c.Flags.HasFlag(CloneFlags.Thread | CloneFlags.Vm | CloneFlags.Sighand));
            Assert.Equal(0, c.Flags.ExitSignal());
        });
        Assert.Equal(3, imported.Events.OfType<ThreadStateChanged>().Count(e => e.To == SimThreadState.Exited));
        Assert.Single(imported.Events.OfType<ProcessExited>());
        Assert.Empty(imported.Events.OfType<ProcessReaped>());
        Assert.Single(imported.Tree.Nodes);                    // threads are not processes
    }

    [Fact]
    public void Kill_and_signals()
    {
        var imported = Import("killed.trace");
        int bash = imported.Trace.Root.Tid, job = imported.Trace.Root.Children[0].Tid;
        var term = imported.Events.OfType<SignalDelivered>().Single(s => s.Signal == Signal.SIGTERM);
        Assert.Equal(new Pid(job), term.Pid);
        Assert.Equal(new Pid(bash), term.From);
        Assert.Equal("terminated", term.Action);
        var chld = imported.Events.OfType<SignalDelivered>().Single(s => s.Signal == Signal.SIGCHLD);
        Assert.Equal(new Pid(bash), chld.Pid);
        Assert.Null(chld.From);                                 // sent by the kernel
        Assert.Equal(WaitStatus.Killed(Signal.SIGTERM), imported.Events.OfType<ProcessExited>().Single(e => e.Pid == new Pid(job)).Status);
        Assert.Equal(WaitStatus.Killed(Signal.SIGTERM), imported.Events.OfType<ProcessReaped>().Single().Status);
    }

    [Fact]
    public void Failed_exec_keeps_its_errno_and_is_not_an_exec()
    {
        var imported = Import("posix-spawn.trace");
        var failed = imported.Events.OfType<SyscallEvent>().Single(e => e.Name == "execve" && e.Errno is not null);
        Assert.Equal(Errno.ENOENT, failed.Errno);
        Assert.DoesNotContain(imported.Events.OfType<ProcessExeced>(), e => e.Path == "/nonexistent");
        Assert.Equal(WaitStatus.Exited(127), imported.Events.OfType<ProcessExited>().Single(e => e.Pid == failed.Pid).Status);
        var spawned = imported.Events.OfType<ProcessCreated>().Where(c => c.Pid != Pid.Zero).ToList();
        Assert.Equal(2, spawned.Count);
        Assert.All(spawned, c => Assert.Equal(CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.SigChld, c.Flags));
    }

    [Fact]
    public void Tree_over_time_shows_children_appear_become_zombies_and_go()
    {
        var imported = Import("vfork.trace");
        var root = imported.Trace.Root;
        var exitChild = root.Children[1];                       // the fork child that _exit(3)s
        var exit = imported.Trace.Records.OfType<StraceExit>().Single(e => e.Pid == exitChild.Tid);
        var reap = imported.Trace.Calls.Single(c => c.Name == "wait4" && c.Result?.Value == exitChild.Tid);
        Assert.Null(imported.TreeAt(exitChild.CreatedBy!.StartTime - 1)[new Pid(exitChild.Tid)]);
        Assert.False(imported.TreeAt(exitChild.CreatedBy.StartTime)[new Pid(exitChild.Tid)]!.IsZombie);
        if (exit.Time < reap.Time)
            Assert.True(imported.TreeAt(exit.Time)[new Pid(exitChild.Tid)]!.IsZombie);
        Assert.Null(imported.TreeAt(reap.Time)[new Pid(exitChild.Tid)]);
        Assert.Equal(root.Children.Select(c => new Pid(c.Tid)), imported.Tree.ChildrenOf(new Pid(root.Tid)));
        Assert.Equal(["vfork_exec", "echo", "vfork_exec", "vfork_exec"], imported.Tree.Nodes.Select(n => n.Command));
    }

    [Fact]
    public void Malformed_text_is_an_error_not_an_exception()
    {
        var result = StraceImporter.Import("42 execve(\"/bin/ls\", [\"ls\"], 0x1 /* 1 var */) = 0\n42 this is not strace\n");
        Assert.False(result.IsOk);
        Assert.Equal(2, result.Error!.LineNumber);
        Assert.Throws<StraceFormatException>(() => result.ValueOrThrow());
    }

    [Fact]
    public void Execve_by_a_thread_ends_the_thread_not_the_process()
    {
        var imported = Import("thread-exec.trace");
        int leader = imported.Trace.Root.Tid, thread = imported.Trace.Tasks.Single(t => t.IsThread).Tid;
        Assert.Contains(imported.Events.OfType<ThreadStateChanged>(), e => e.Pid == new Pid(thread) && e.To == SimThreadState.Exited);
        Assert.Equal(new Pid(leader), imported.Events.OfType<ProcessExeced>().Single(e => e.Path == "/bin/true").Pid);
        Assert.Equal(new Pid(leader), Assert.Single(imported.Events.OfType<ProcessExited>()).Pid);
    }
}
