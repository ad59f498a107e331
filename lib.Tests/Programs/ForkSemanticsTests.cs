using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;

namespace CourseKit.Tests.Programs;

public class ForkSemanticsTests
{
    private const string ParentChild = """
        pid = fork()
        if (pid == 0) {
            print("child")
        } else {
            print("parent")
        }
        """;

    [Fact]
    public void Fork_returns_twice_child_gets_zero_parent_gets_child_pid_at_the_same_pc()
    {
        var run = new ProgramRunner(ParentChild);
        var step = run.Scheduler.Step()!;
        Assert.Equal(0, step.Pc);
        var threads = run.Scheduler.Threads();
        Assert.Equal(2, threads.Count);
        var parent = threads.Single(t => t.Tid == run.Pid);
        var child = threads.Single(t => t.Tid != run.Pid);
        Assert.Equal(1, parent.Pc);
        Assert.Equal(parent.Pc, child.Pc);
        Assert.Equal(child.Tid.Value, parent.Variables["pid"]);
        Assert.Equal(0, child.Variables["pid"]);
        var listing = run.Scheduler.Listing(run.Program).ToString();
        Assert.Contains($"<- {run.Pid}, {child.Tid}", listing);
    }

    [Fact]
    public void Fork_returns_twice_both_branches_run_parent_first_by_default()
    {
        var run = new ProgramRunner(ParentChild);
        var result = run.Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("parent\nchild\n", result.Output);
    }

    [Fact]
    public void Three_forks_then_print_prints_8_lines()
    {
        var run = new ProgramRunner("fork(); fork(); fork(); print(\"hello\");");
        var result = run.Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(8, run.Lines(result).Length);
        Assert.All(run.Lines(result), l => Assert.Equal("hello", l));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void N_forks_in_a_loop_make_2_to_the_n_minus_1_new_processes(int n)
    {
        var run = new ProgramRunner($"for (i = 0; i < {n}; i++) fork();");
        Assert.Equal(RunStatus.Completed, run.Run().Status);
        Assert.Equal((1 << n) - 1, run.ProcessesCreatedByProgram);
    }

    [Fact]
    public void Short_circuit_fork_and_and_or_makes_5_processes_in_all()
    {
        var run = new ProgramRunner("(fork() && fork()) || fork();\nprint(getpid())");
        var result = run.Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(4, run.ProcessesCreatedByProgram);
        Assert.Equal(5, run.Lines(result).Distinct().Count());
    }

    [Fact]
    public void Wait_collects_the_exit_status_encoded_as_linux_does()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) { _exit(42) }
            got = wait(&status)
            print(got == pid, status, WIFEXITED(status), WEXITSTATUS(status))
            """);
        var result = run.Run();
        Assert.Equal("1 10752 1 42\n", result.Output); // 42 << 8 = 0x2a00
    }

    [Fact]
    public void Waitpid_with_WNOHANG_returns_0_while_the_child_runs()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) { sleep(5); exit(3) }
            r = waitpid(pid, &s, WNOHANG)
            print(r)
            r = waitpid(pid, &s, 0)
            print(r == pid, WEXITSTATUS(s))
            """);
        Assert.Equal("0\n1 3\n", run.Run().Output);
    }

    [Fact]
    public void Wait_without_children_fails_with_ECHILD_in_errno()
    {
        var run = new ProgramRunner("r = wait()\nprint(r, errno == ECHILD)");
        Assert.Equal("-1 1\n", run.Run().Output);
    }

    [Fact]
    public void Killed_child_reports_the_signal_in_the_low_bits()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) { pause() }
            kill(pid, SIGKILL)
            wait(&s)
            print(WIFSIGNALED(s), WTERMSIG(s))
            """);
        Assert.Equal("1 9\n", run.Run().Output);
    }

    [Fact]
    public void Exec_replaces_the_program_and_keeps_the_pid()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) {
                exec("/bin/echo", "hi", "there")
                print("not reached")
            }
            wait(&s)
            print("child done", WEXITSTATUS(s))
            """);
        var result = run.Run();
        Assert.Equal("hi there\nchild done 0\n", result.Output);
        var exec = run.Machine.Events.OfType<ProcessExeced>().Last();
        Assert.Equal("/bin/echo", exec.Path);
        Assert.Equal(["echo", "hi", "there"], exec.Argv);
    }

    [Fact]
    public void Failed_exec_returns_minus_1_with_errno_and_the_program_goes_on()
    {
        var run = new ProgramRunner("""
            r = exec("/bin/nope")
            print(r, errno == ENOENT)
            r = exec("/home/student/notes.txt")
            print(r, errno == EACCES)
            """);
        Assert.Equal("-1 1\n-1 1\n", run.Run().Output);
    }

    [Fact]
    public void Exec_of_an_installed_program_runs_it()
    {
        var machine = Machine.Boot();
        var scheduler = new Scheduler(machine);
        scheduler.Loader.Install("/home/student/greet", Program.Compile("print(\"greetings\")\nexit(7)", "greet"));
        scheduler.Start("pid = fork()\nif (pid == 0) exec(\"/home/student/greet\")\nwait(&s)\nprint(WEXITSTATUS(s))");
        Assert.Equal("greetings\n7\n", scheduler.Run().Output);
    }

    [Fact]
    public void Vfork_parent_sleeps_until_the_child_exits()
    {
        var run = new ProgramRunner("""
            pid = vfork()
            if (pid == 0) { print("child"); _exit(0) }
            print("parent")
            """);
        Assert.Equal("child\nparent\n", run.Run().Output);
    }

    [Fact]
    public void Clone_thread_shares_memory_but_has_its_own_registers()
    {
        var run = new ProgramRunner("""
            base = sbrk(4096)
            mem[base] = 1
            x = 10
            tid = clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
            if (tid == 0) {
                mem[base] = 2
                x = 20
                pthread_exit(0)
            }
            while (mem[base] == 1) sched_yield()
            print(mem[base], x, gettid() == getpid())
            """);
        var result = run.Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("2 10 1\n", result.Output);
    }

    [Fact]
    public void Fork_copies_memory_so_a_childs_write_is_not_seen_by_the_parent()
    {
        var run = new ProgramRunner("""
            base = sbrk(4096)
            mem[base] = 1
            pid = fork()
            if (pid == 0) { mem[base] = 2; exit(0) }
            wait()
            print(mem[base])
            """);
        Assert.Equal("1\n", run.Run().Output);
    }

    [Fact]
    public void Write_to_unmapped_memory_kills_with_SIGSEGV()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) { mem[0x10] = 5; print("not reached") }
            wait(&s)
            print(WTERMSIG(s) == SIGSEGV)
            """);
        Assert.Equal("1\n", run.Run().Output);
    }

    [Fact]
    public void Division_by_zero_kills_with_SIGFPE()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) { zero = 0; x = 1 / zero; print("not reached") }
            wait(&s)
            print(WTERMSIG(s) == SIGFPE)
            """);
        Assert.Equal("1\n", run.Run().Output);
        Assert.DoesNotContain(run.Machine.Events.OfType<SyscallEvent>(), e => e.Name == "kill");
        Assert.Contains(run.Machine.Events.OfType<SignalDelivered>(), e => e.Signal == Signal.SIGFPE && e.From is null);
    }

    [Fact]
    public void Orphan_gets_init_or_the_subreaper_as_parent()
    {
        var run = new ProgramRunner("""
            prctl(PR_SET_CHILD_SUBREAPER, 1)
            me = getpid()
            pid = fork()
            if (pid == 0) {
                grandchild = fork()
                if (grandchild == 0) { sleep(10); print(getppid() == me); exit(0) }
                exit(0)
            }
            wait()
            wait()
            """);
        Assert.Equal("1\n", run.Run().Output);
    }
}

public class MemoryAndSignalProgramTests
{
    [Fact]
    public void Mmap_shared_memory_is_seen_by_both_after_fork_private_is_copy_on_write()
    {
        var run = new ProgramRunner("""
            shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)
            private = mmap(4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
            mem[shared] = 1
            mem[private] = 1
            if (fork() == 0) { mem[shared] = 2; mem[private] = 2; exit(0) }
            wait()
            print(mem[shared], mem[private])
            """);
        Assert.Equal("2 1\n", run.Run().Output);
    }

    [Fact]
    public void Ignoring_SIGCHLD_means_no_zombies_so_wait_finds_no_child()
    {
        var run = new ProgramRunner("""
            signal(SIGCHLD, SIG_IGN)
            if (fork() == 0) exit(0)
            r = wait()
            print(r, errno == ECHILD)
            """);
        Assert.Equal("-1 1\n", run.Run().Output);
    }

    [Fact]
    public void Process_groups_setpgid_and_getpgrp()
    {
        var run = new ProgramRunner("""
            setpgid(0, 0)
            print(getpgrp() == getpid())
            """);
        Assert.Equal("1\n", run.Run().Output);
    }
}
