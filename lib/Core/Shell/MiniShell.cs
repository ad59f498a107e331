using System.Globalization;
using System.Text;
using CourseKit.Files;
using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;

namespace CourseKit.Shell;

/// <summary>How a command line's run ended.</summary>
public enum ShellOutcome
{
    /// <summary>The shell is back at its prompt (foreground jobs done; background jobs may still run).</summary>
    Completed,
    /// <summary>Every live thread sleeps and nothing can wake them: <see cref="ShellResult.Message"/> names them and what they wait for.</summary>
    Deadlock,
    /// <summary>The line ran for <see cref="ShellOptions.MaxStepsPerLine"/> steps without finishing.</summary>
    StepLimit,
    /// <summary>The shell has exited (the <c>exit</c> builtin, or it was killed).</summary>
    ShellExited,
}

/// <summary>What one command line did: its outcome, $? afterwards, what appeared on the terminal, and when.</summary>
/// <param name="Line">The command line.</param>
/// <param name="Outcome">How the run ended.</param>
/// <param name="Status">$? after the line.</param>
/// <param name="Output">Text written to the terminal while the line ran (stdout and stderr of every process).</param>
/// <param name="Message">The deadlock report or the reason the run stopped; empty when it completed.</param>
/// <param name="StartTime">Logical time when the line was read.</param>
/// <param name="EndTime">Logical time when the run stopped.</param>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record ShellResult(string Line, ShellOutcome Outcome, int Status, string Output, string Message, long StartTime, long EndTime)
{
    /// <summary>"$ ls | wc -l" followed by the output (and the message, if any).</summary>
    public override string ToString() => $"$ {Line}\n{Output}{(Message.Length > 0 ? Message + "\n" : "")}";
}

/// <summary>A job: the processes of one pipeline, as <c>jobs</c> lists them.</summary>
public sealed record Job(int Number, IReadOnlyList<Pid> Processes, string Command, bool Background)
{
    internal HashSet<Pid> Running { get; } = [.. Processes];

    /// <summary>The status of the pipeline's last process once it has been collected.</summary>
    public int? Status { get; internal set; }

    /// <summary>True once every process of the job has been collected with wait.</summary>
    public bool IsDone => Running.Count == 0;
}

/// <summary>
/// A mini shell that runs command lines on the simulated machine with the real system calls, in the real
/// order: for <c>a | b</c> it calls pipe, fork, and in each child dup2 the pipe end onto fd 0 or 1, close both
/// pipe fds and execve; the parent closes its copies and, for a foreground job, sleeps in wait4 for each child
/// (a background job, ending in <c>&amp;</c>, lets it read the next line at once). It understands
/// <c>cmd args</c>, <c>&amp;</c>, <c>|</c>, <c>;</c>, <c>&lt;</c> <c>&gt;</c> <c>&gt;&gt;</c>, <c>$?</c>, and the builtins
/// <c>wait</c>, <c>jobs</c> and <c>exit</c>.
/// </summary>
/// <remarks>
/// <para>The shell and the coreutils (echo, cat, wc, ls, sleep, true, false, yes) are native programs: C#
/// iterators making one system call per step. Programs in the course's C-like language (installed with
/// <see cref="Install"/>) run on the <see cref="Programs.Scheduler"/>, with printf going through the stdio
/// buffer. The shell's run loop interleaves both on the one simulated CPU, one step each in turn, so a
/// writer and a reader of a pipe take turns as the pipe fills and drains; every switch is a Scheduled event,
/// which is the timeline of who ran when.</para>
/// <para>With <see cref="ShellOptions.ForgetToCloseWriteEnd"/> the shell makes the classic mistake and the
/// reader of a pipeline never sees end-of-file: the run ends with <see cref="ShellOutcome.Deadlock"/> and a
/// report naming the sleeping processes, the pipe, and who still holds its write end.</para>
/// </remarks>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class MiniShell
{
    private readonly Coreutils _coreutils;
    private readonly List<Job> _jobs = [];
    private readonly StringBuilder _transcript = new();
    private readonly Queue<string> _input = new();
    private Job? _foreground;
    private bool _atPrompt;
    private int _nextJob = 1;

    private MiniShell(Machine machine, FileSystem files, Scheduler scheduler, ShellOptions options)
    {
        Machine = machine;
        Files = files;
        Scheduler = scheduler;
        Options = options;
        Stdio = new Stdio(files);
        scheduler.Output = new StdioProgramOutput(Stdio);
        _coreutils = new Coreutils(files, options);
        var programs = machine.ProgramLoader;
        machine.ProgramLoader = (process, executable, argv) =>
            _coreutils.Find(executable.Path, argv) is { } main
                ? new NativeContext(executable.CommandName, main)
                : programs?.Invoke(process, executable, argv);
    }

    /// <summary>
    /// Starts a shell on <paramref name="machine"/>: attaches the file layer if needed (the terminal as fds 0-2),
    /// creates a scheduler for programs, and has init fork and exec /bin/sh, which then waits at its prompt.
    /// </summary>
    public static MiniShell Start(Machine machine, ShellOptions? options = null, FileSystemOptions? fileOptions = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var files = FileSystem.Of(machine) ?? FileSystem.Attach(machine, fileOptions);
        var shell = new MiniShell(machine, files, new Scheduler(machine), options ?? new ShellOptions());
        shell.Pid = machine.Start("/bin/sh", "sh");
        machine.Thread(shell.Pid)!.Context = new NativeContext("sh", shell.Main);
        shell.RunLoop(out _); // up to the first prompt
        return shell;
    }

    /// <summary>The machine the shell runs on.</summary>
    public Machine Machine { get; }
    /// <summary>The file layer (terminal, files, pipes).</summary>
    public FileSystem Files { get; }
    /// <summary>Runs the processes that execute course programs.</summary>
    public Scheduler Scheduler { get; }
    /// <summary>The C library's stdio for course programs.</summary>
    public Stdio Stdio { get; }
    /// <summary>The settings.</summary>
    public ShellOptions Options { get; }
    /// <summary>The shell's PID.</summary>
    public Pid Pid { get; private set; }
    /// <summary>$?: the status of the last foreground pipeline (128 + n when its last process was killed by signal n).</summary>
    public int LastStatus { get; private set; }
    /// <summary>True once the shell has exited.</summary>
    public bool HasExited => Machine.Thread(Pid) is null;
    /// <summary>Background jobs not yet reported as done.</summary>
    public IReadOnlyList<Job> Jobs => _jobs;
    /// <summary>Every line run so far with its output, like a terminal session.</summary>
    public string Transcript => _transcript.ToString();

    /// <summary>Makes a course program runnable as <c>./NAME</c> (installed as /home/student/NAME).</summary>
    public string Install(Program program)
    {
        ArgumentNullException.ThrowIfNull(program);
        string path = "/home/student/" + program.Name;
        Scheduler.Loader.Install(path, program);
        return path;
    }

    /// <summary>
    /// Types <paramref name="line"/> at the prompt and runs the machine until the shell is back at its prompt,
    /// a deadlock, or the step limit. Mistakes (a syntax error, an unknown command) are the shell's messages
    /// on the terminal and a non-zero $?, as in bash.
    /// </summary>
    public ShellResult Run(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        long start = Machine.Clock;
        int screen = Files.Terminal.Screen.Length;
        ShellOutcome outcome;
        string message;
        if (HasExited)
        {
            outcome = ShellOutcome.ShellExited;
            message = $"sh ({Pid}) has exited: start a new shell";
        }
        else
        {
            _input.Enqueue(line); // typed ahead: the shell reads it when it is back at its prompt
            outcome = RunLoop(out message);
        }
        var result = new ShellResult(line, outcome, LastStatus, Files.Terminal.Screen[screen..], message, start, Machine.Clock);
        _transcript.Append(result.ToString());
        return result;
    }

    /// <summary>
    /// Lets the machine run while the shell sits at its prompt (nobody types): background jobs and orphans go on
    /// until nothing can run any more, or <paramref name="maxSteps"/>. Output that appears now is what a real
    /// terminal shows after the prompt came back, e.g. the lines of grandchildren the shell never waited for.
    /// </summary>
    public ShellResult Idle(long maxSteps = 100_000)
    {
        long start = Machine.Clock;
        int screen = Files.Terminal.Screen.Length;
        long steps = 0;
        while (steps < maxSteps)
        {
            bool progressed = false;
            foreach (var thread in Machine.Threads.Where(t => t.Context is NativeContext && t.Tid != Pid).ToList())
            {
                if (Machine.Thread(thread.Tid) != thread || thread.State is SimThreadState.Blocked or SimThreadState.Exited) continue;
                StepNative(thread);
                steps++;
                progressed = true;
            }
            if (ProgramThreadCanRun())
            {
                Scheduler.Step();
                steps++;
                progressed = true;
            }
            if (!progressed && !WakeEarliestSleeper()) break;
        }
        var outcome = steps >= maxSteps ? ShellOutcome.StepLimit : HasExited ? ShellOutcome.ShellExited : ShellOutcome.Completed;
        var result = new ShellResult("", outcome, LastStatus, Files.Terminal.Screen[screen..],
            outcome == ShellOutcome.StepLimit ? $"still running after {maxSteps} steps" : "", start, Machine.Clock);
        _transcript.Append(result.Output);
        return result;
    }

    /// <summary>
    /// Ctrl-C: the terminal sends SIGINT to the foreground job's processes (by default it kills them; the shell
    /// itself ignores it), then the shell runs on to its prompt. $? becomes 130 (128 + SIGINT) for a killed job.
    /// </summary>
    public ShellResult Interrupt()
    {
        long start = Machine.Clock;
        int screen = Files.Terminal.Screen.Length;
        if (_foreground is { } job)
            foreach (var pid in job.Processes)
                if (Machine.Process(pid) is { ExitStatus: null } process) Machine.DeliverSignal(process, Signal.SIGINT, null);
        Files.Terminal.Show("^C\n");
        string message = "";
        var outcome = HasExited ? ShellOutcome.ShellExited : RunLoop(out message);
        var result = new ShellResult("^C", outcome, LastStatus, Files.Terminal.Screen[screen..], message, start, Machine.Clock);
        _transcript.Append(result.Output);
        return result;
    }

    // ----- the run loop: natives and programs take turns on the one CPU -----

    private ShellOutcome RunLoop(out string message)
    {
        for (long steps = 0; steps < Options.MaxStepsPerLine;)
        {
            bool progressed = false;
            foreach (var thread in Machine.Threads.Where(t => t.Context is NativeContext).ToList())
            {
                if (ReadyForInput) break;
                if (Machine.Thread(thread.Tid) != thread || thread.State is SimThreadState.Blocked or SimThreadState.Exited) continue;
                if (thread.Tid == Pid && ReadyForInput) continue;
                StepNative(thread);
                steps++;
                progressed = true;
            }
            if (HasExited)
            {
                message = $"sh ({Pid}) has exited";
                return ShellOutcome.ShellExited;
            }
            if (ReadyForInput)
            {
                message = "";
                return ShellOutcome.Completed;
            }
            if (ProgramThreadCanRun())
            {
                Scheduler.Step();
                steps++;
                progressed = true;
            }
            if (progressed || WakeEarliestSleeper()) continue;
            message = DeadlockReport();
            return ShellOutcome.Deadlock;
        }
        message = $"stopped after {Options.MaxStepsPerLine} steps (an endless program such as yes writing to the terminal?)";
        return ShellOutcome.StepLimit;
    }

    private bool ReadyForInput => _atPrompt && _input.Count == 0;

    private void StepNative(SimThread thread)
    {
        var context = (NativeContext)thread.Context!;
        if (thread.State != SimThreadState.Running) Machine.Schedule(thread.Tid);
        if (!context.Step(thread.Tid) && Machine.Thread(thread.Tid) is { } alive && alive.Context == context)
            Machine.Exit(thread.Tid, 0); // returning from main is exit(0)
    }

    private bool ProgramThreadCanRun() => Machine.Threads.Any(t => t.Context is ProgramContext c
        && (t.State is SimThreadState.Runnable or SimThreadState.Running || (c.SleepUntil is { } until && until <= Machine.Clock)));

    /// <summary>Only sleepers are left: logical time jumps to the earliest wake-up (native sleep or a program's sleep).</summary>
    private bool WakeEarliestSleeper()
    {
        var wakeups = Machine.Threads.Select(t => t.Context switch
        {
            NativeContext n => n.SleepUntil,
            ProgramContext p => p.SleepUntil,
            _ => null,
        }).Where(t => t is not null).ToList();
        if (wakeups.Count == 0) return false;
        Machine.AdvanceClockTo(wakeups.Min()!.Value);
        foreach (var thread in Machine.Threads.Where(t => t.Context is NativeContext { SleepUntil: { } u } && u <= Machine.Clock).ToList())
        {
            ((NativeContext)thread.Context!).SleepUntil = null;
            Machine.Wake(thread, $"sleep over at t={Machine.Clock}");
        }
        return true;
    }

    private string DeadlockReport()
    {
        var sleepers = Machine.Threads.Where(t => t.Context is NativeContext or ProgramContext)
            .Select(t => $"  {t} ({t.Process.Command}): {t.BlockedOn ?? "runnable"}");
        return "deadlock: every live thread is blocked and nothing can wake them:\n" + string.Join("\n", sleepers);
    }

    // ----- the shell program -----

    /// <summary>The shell's main loop: reap finished background jobs, wait at the prompt, run the line.</summary>
    private IEnumerable<NativeStep> Main(Pid sh)
    {
        while (true)
        {
            foreach (var s in ReapBackground(sh, announce: true)) yield return s;
            _atPrompt = true;
            yield return NativeStep.Prompt;
            _atPrompt = false;
            string line = _input.Dequeue();
            Machine.Record(new ShellLineRead(Machine.Clock, sh, line));
            var parsed = CommandLine.Parse(line, out var error);
            if (error is not null)
            {
                foreach (var s in Say(sh, Fd.Stderr, $"sh: {error}\n")) yield return s;
                LastStatus = 2;
                continue;
            }
            foreach (var pipeline in parsed.Pipelines)
            {
                var first = pipeline.Commands[0].Words[0].Expand(LastStatus);
                var steps = pipeline.Commands.Length == 1 && first is "exit" or "wait" or "jobs"
                    ? Builtin(sh, first, [.. pipeline.Commands[0].Words.Skip(1).Select(w => w.Expand(LastStatus))])
                    : RunPipeline(sh, pipeline);
                foreach (var s in steps) yield return s;
                if (HasExited) yield break;
            }
        }
    }

    /// <summary>
    /// One pipeline, the way every Unix shell does it: for each command, pipe() (except for the last), fork(),
    /// and in the parent close the pipe ends the children now hold; then wait for each child unless it runs in
    /// the background.
    /// </summary>
    private IEnumerable<NativeStep> RunPipeline(Pid sh, Pipeline pipeline)
    {
        var pids = new List<Pid>();
        Fd? previousRead = null;
        for (int i = 0; i < pipeline.Commands.Length; i++)
        {
            var command = pipeline.Commands[i];
            var argv = command.Words.Select(w => w.Expand(LastStatus)).ToList();
            PipeFds? pipe = null;
            if (i < pipeline.Commands.Length - 1)
            {
                var made = Files.Pipe(sh);
                yield return NativeStep.Ran;
                if (!made.IsOk)
                {
                    foreach (var s in Say(sh, Fd.Stderr, $"sh: pipe: {made.Message}\n")) yield return s;
                    break;
                }
                pipe = made.Value;
            }
            var fork = Machine.Fork(sh);
            yield return NativeStep.Ran;
            if (!fork.IsOk)
            {
                foreach (var s in Say(sh, Fd.Stderr, $"sh: fork: {fork.Message}\n")) yield return s;
                if (pipe is { } unused)
                {
                    Files.Close(sh, unused.Read);
                    yield return NativeStep.Ran;
                    Files.Close(sh, unused.Write);
                    yield return NativeStep.Ran;
                }
                break;
            }
            var child = fork.Value;
            var context = (NativeContext)Machine.Thread(child)!.Context!;
            var input = previousRead;
            context.Name = $"sh (child for {argv[0]})";
            context.Main = tid => Child(tid, command, argv, input, pipe);
            pids.Add(child);
            if (previousRead is { } read)
            {
                Files.Close(sh, read);
                yield return NativeStep.Ran;
            }
            previousRead = null;
            if (pipe is { } p)
            {
                if (!Options.ForgetToCloseWriteEnd)
                {
                    Files.Close(sh, p.Write);
                    yield return NativeStep.Ran;
                }
                previousRead = p.Read;
            }
        }
        if (previousRead is { } leftover) // a fork failed midway: the next reader never came
        {
            Files.Close(sh, leftover);
            yield return NativeStep.Ran;
        }
        if (pids.Count == 0)
        {
            LastStatus = 1;
            yield break;
        }
        var job = new Job(pipeline.Background ? _nextJob++ : 0, pids, pipeline.ToString(), pipeline.Background);
        Machine.Record(new JobStarted(Machine.Clock, sh, job.Number, new ValueList<Pid>(pids), job.Command, job.Background));
        if (pipeline.Background)
        {
            _jobs.Add(job);
            LastStatus = 0;
            foreach (var s in Say(sh, Fd.Stderr, $"[{job.Number}] {pids[^1].Value}\n")) yield return s;
            yield break;
        }
        _foreground = job;
        foreach (var pid in pids)
        {
            foreach (var s in WaitFor(sh, pid, job)) yield return s;
        }
        _foreground = null;
        LastStatus = job.Status ?? 1;
        Machine.Record(new JobFinished(Machine.Clock, sh, 0, LastStatus, false));
    }

    /// <summary>wait4(pid): sleeps until the child exits, then records its status in its job.</summary>
    private IEnumerable<NativeStep> WaitFor(Pid sh, Pid pid, Job job)
    {
        while (true)
        {
            var r = Machine.Wait(sh, pid);
            yield return NativeStep.Ran;
            if (r.IsBlocked) continue;
            if (r.IsOk) Collected(job, r.Value);
            else job.Running.Remove(pid);
            yield break;
        }
    }

    private static void Collected(Job job, WaitResult result)
    {
        job.Running.Remove(result.Pid);
        if (result.Pid == job.Processes[^1]) job.Status = StatusOf(result.Status);
    }

    /// <summary>$? for a wait status: the exit code, or 128 + the signal number for a process killed by a signal.</summary>
    public static int StatusOf(WaitStatus status) =>
        WaitStatus.WIFSIGNALED(status.Raw) ? 128 + WaitStatus.WTERMSIG(status.Raw) : WaitStatus.WEXITSTATUS(status.Raw);

    /// <summary>
    /// The child's side of fork (what runs after fork() returned 0 in it): point fds 0 and 1 at the pipe ends with
    /// dup2, close every pipe fd it inherited, apply redirections, then execve; if that fails, report it and _exit
    /// with 127 (not found) or 126 (found but not runnable), as bash does.
    /// </summary>
    private IEnumerable<NativeStep> Child(Pid tid, SimpleCommand command, List<string> argv, Fd? input, PipeFds? output)
    {
        if (input is { } read)
        {
            Files.Dup2(tid, read, Fd.Stdin);
            yield return NativeStep.Ran;
            Files.Close(tid, read);
            yield return NativeStep.Ran;
        }
        if (output is { } pipe)
        {
            Files.Dup2(tid, pipe.Write, Fd.Stdout);
            yield return NativeStep.Ran;
            Files.Close(tid, pipe.Write);
            yield return NativeStep.Ran;
            Files.Close(tid, pipe.Read);
            yield return NativeStep.Ran;
        }
        foreach (var redirection in command.Redirections)
        {
            string target = redirection.Target.Expand(LastStatus);
            var flags = redirection.Kind switch
            {
                RedirectionKind.Input => OpenFlags.ReadOnly,
                RedirectionKind.Output => OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate,
                _ => OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Append,
            };
            var open = Files.Open(tid, target, flags);
            yield return NativeStep.Ran;
            if (!open.IsOk)
            {
                foreach (var s in Say(tid, Fd.Stderr, $"sh: {target}: {open.Errno.Describe()}\n")) yield return s;
                Machine.Exit(tid, 1);
                yield break;
            }
            Files.Dup2(tid, open.Value, redirection.Kind == RedirectionKind.Input ? Fd.Stdin : Fd.Stdout);
            yield return NativeStep.Ran;
            Files.Close(tid, open.Value);
            yield return NativeStep.Ran;
        }
        string name = argv[0];
        var candidates = name.Contains('/')
            ? [FileSystem.Normalize(name, Machine.Thread(tid)!.Process.Fs.Cwd)]
            : Options.Path.Select(dir => dir + "/" + name).ToList();
        Errno worst = Errno.ENOENT;
        foreach (var path in candidates)
        {
            var exec = Machine.Exec(tid, path, argv);
            if (exec.IsOk) yield break; // the thread now runs the new program
            yield return NativeStep.Ran;
            if (exec.Errno != Errno.ENOENT) worst = exec.Errno;
        }
        var (code, why) = worst switch
        {
            Errno.ENOENT when !name.Contains('/') => (127, "command not found"),
            Errno.ENOENT => (127, "No such file or directory"),
            Errno.ENOEXEC => (126, "cannot execute binary file: Exec format error"),
            var e => (126, e.Describe()),
        };
        foreach (var s in Say(tid, Fd.Stderr, $"sh: {name}: {why}\n")) yield return s;
        Machine.Exit(tid, code);
        yield return NativeStep.Ran;
    }

    // ----- builtins -----

    private IEnumerable<NativeStep> Builtin(Pid sh, string name, List<string> args) => name switch
    {
        "exit" => ExitBuiltin(sh, args),
        "wait" => WaitBuiltin(sh, args),
        _ => JobsBuiltin(sh),
    };

    /// <summary>exit [n]: the shell ends with n (default: $?); its background jobs are reparented to init.</summary>
    private IEnumerable<NativeStep> ExitBuiltin(Pid sh, List<string> args)
    {
        int code = LastStatus;
        if (args.Count > 0 && !int.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out code))
        {
            foreach (var s in Say(sh, Fd.Stderr, $"sh: exit: {args[0]}: numeric argument required\n")) yield return s;
            code = 2;
        }
        LastStatus = code & 0xff;
        Machine.Exit(sh, code & 0xff);
        yield return NativeStep.Ran;
    }

    /// <summary>wait [pid]: sleeps in wait4 until every background child (or that one) has exited.</summary>
    private IEnumerable<NativeStep> WaitBuiltin(Pid sh, List<string> args)
    {
        Pid? only = null;
        if (args.Count > 0)
        {
            if (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                foreach (var s in Say(sh, Fd.Stderr, $"sh: wait: `{args[0]}': not a pid or valid job spec\n")) yield return s;
                LastStatus = 2;
                yield break;
            }
            only = new Pid(pid);
        }
        int status = 0;
        while (true)
        {
            var r = Machine.Wait(sh, only);
            yield return NativeStep.Ran;
            if (r.IsBlocked) continue;
            if (!r.IsOk)
            {
                if (only is not null)
                {
                    foreach (var s in Say(sh, Fd.Stderr, $"sh: wait: pid {only.Value.Value} is not a child of this shell\n")) yield return s;
                    status = 127;
                }
                break;
            }
            status = StatusOf(r.Value.Status);
            FinishBackground(r.Value, announce: false);
            if (only is not null) break;
        }
        _jobs.RemoveAll(j => j.IsDone); // wait forgets the jobs it collected: no "Done" notice follows
        LastStatus = status;
    }

    /// <summary>jobs: collects finished background children (WNOHANG), then lists the jobs as bash does.</summary>
    private IEnumerable<NativeStep> JobsBuiltin(Pid sh)
    {
        foreach (var s in ReapBackground(sh, announce: false)) yield return s;
        var text = new StringBuilder();
        for (int i = 0; i < _jobs.Count; i++)
        {
            var job = _jobs[i];
            char mark = i == _jobs.Count - 1 ? '+' : i == _jobs.Count - 2 ? '-' : ' ';
            text.Append(CultureInfo.InvariantCulture, $"[{job.Number}]{mark}  {(job.IsDone ? "Done" : "Running"),-24}{(job.IsDone ? job.Command[..^2] : job.Command)}\n");
        }
        _jobs.RemoveAll(j => j.IsDone);
        if (text.Length > 0) foreach (var s in Say(sh, Fd.Stdout, text.ToString())) yield return s;
        LastStatus = 0;
    }

    /// <summary>waitpid(-1, WNOHANG) until nothing more has exited; finished jobs are announced ("[1]+  Done  sleep 1").</summary>
    private IEnumerable<NativeStep> ReapBackground(Pid sh, bool announce)
    {
        if (_jobs.Count == 0) yield break;
        while (true)
        {
            var r = Machine.Wait(sh, null, WaitOptions.NoHang);
            yield return NativeStep.Ran;
            if (!r.IsOk || r.Value.Pid == Pid.Zero) break;
            if (FinishBackground(r.Value, announce) is { } done)
                foreach (var s in Say(sh, Fd.Stdout, done)) yield return s;
        }
    }

    /// <summary>Records a collected background child; returns bash's "Done" line when that finished its job and it should be announced.</summary>
    private string? FinishBackground(WaitResult result, bool announce)
    {
        var job = _jobs.FirstOrDefault(j => j.Processes.Contains(result.Pid));
        if (job is null) return null;
        Collected(job, result);
        if (!job.IsDone) return null;
        Machine.Record(new JobFinished(Machine.Clock, Pid, job.Number, job.Status ?? 0, true));
        if (!announce) return null;
        int index = _jobs.IndexOf(job);
        char mark = index == _jobs.Count - 1 ? '+' : index == _jobs.Count - 2 ? '-' : ' ';
        _jobs.Remove(job);
        string state = job.Status is 0 or null ? "Done" : $"Exit {job.Status}";
        return $"[{job.Number}]{mark}  {state,-24}{job.Command[..^2]}\n";
    }

    /// <summary>The shell (or its child before exec) writes a message with write(2), sleeping if the fd is a full pipe.</summary>
    private IEnumerable<NativeStep> Say(Pid tid, Fd fd, string text)
    {
        while (true)
        {
            var r = Files.Write(tid, fd, text);
            yield return NativeStep.Ran;
            if (!r.IsBlocked) yield break;
        }
    }
}
