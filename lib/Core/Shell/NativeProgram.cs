using CourseKit.Files;
using CourseKit.Kernel;

namespace CourseKit.Shell;

/// <summary>
/// The thread context of a simulated executable written in C# (the shell and the coreutils): its body is an
/// iterator that makes one system call per step and yields, so it interleaves with every other thread on the
/// one simulated CPU, sleeps in the kernel like any thread (a pipe read, wait4) and is retried when woken.
/// </summary>
/// <remarks>
/// The program interpreter's scheduler only runs <c>ProgramContext</c> threads; a thread with this context is
/// stepped by the <see cref="MiniShell"/>'s run loop instead. fork copies it as a context without a body: the forking
/// code (the shell) gives the child the code that runs after fork() returned 0 in the child.
/// </remarks>
public sealed class NativeContext : IThreadContext
{
    private IEnumerator<NativeStep>? _body;

    internal NativeContext(string name, Func<Pid, IEnumerable<NativeStep>>? main)
    {
        Name = name;
        Main = main;
    }

    /// <summary>What runs ("sh", "wc", "sh (child)").</summary>
    public string Name { get; internal set; }

    /// <summary>System calls made so far (shown as the program counter).</summary>
    public int ProgramCounter { get; private set; }

    internal Func<Pid, IEnumerable<NativeStep>>? Main { get; set; }

    /// <summary>The logical time at which a sleeping thread wakes up (sleep n), or null.</summary>
    internal long? SleepUntil { get; set; }

    /// <summary>The last step the body yielded.</summary>
    internal NativeStep Last { get; private set; }

    /// <inheritdoc/>
    public IThreadContext CloneForChild(long returnValue) => new NativeContext(Name + " (child)", null);

    /// <summary>Runs the body until its next yield; false once it has finished.</summary>
    internal bool Step(Pid tid)
    {
        if (_body is null)
        {
            if (Main is null) throw new KernelBugException($"{tid} runs native code without a body (a fork child that was never given its code)");
            _body = Main(tid).GetEnumerator();
        }
        ProgramCounter++;
        if (!_body.MoveNext()) return false;
        Last = _body.Current;
        return true;
    }
}

/// <summary>What a native program's step did.</summary>
public enum NativeStep
{
    /// <summary>One system call was made (it may have put the thread to sleep).</summary>
    Ran,
    /// <summary>The shell is at its prompt: it waits for the next command line.</summary>
    Prompt,
}

/// <summary>
/// The coreutils of the simulated machine, written as native programs over the <see cref="FileSystem"/>'s
/// system calls, behaving like their GNU namesakes on small inputs: echo, cat, wc, ls, sleep (in logical time),
/// true, false and yes (which only stops when SIGPIPE kills it).
/// </summary>
internal sealed class Coreutils(FileSystem fs, ShellOptions options)
{
    private Machine M => fs.Machine;

    /// <summary>The body for an executable, or null when it is not one of these programs.</summary>
    public Func<Pid, IEnumerable<NativeStep>>? Find(string path, IReadOnlyList<string> argv) =>
        path switch
        {
            "/bin/echo" => tid => Echo(tid, argv),
            "/bin/cat" => tid => Cat(tid, argv),
            "/bin/wc" => tid => Wc(tid, argv),
            "/bin/ls" => tid => Ls(tid, argv),
            "/bin/sleep" => tid => Sleep(tid, argv),
            "/bin/true" => tid => ExitWith(tid, 0),
            "/bin/false" => tid => ExitWith(tid, 1),
            "/bin/yes" => tid => Yes(tid, argv),
            _ => null,
        };

    private IEnumerable<NativeStep> ExitWith(Pid tid, int code)
    {
        M.Exit(tid, code);
        yield return NativeStep.Ran;
    }

    /// <summary>Writes all of <paramref name="text"/> to <paramref name="fd"/>, sleeping while a pipe is full; false when the write failed (or killed the process).</summary>
    private IEnumerable<NativeStep> WriteAll(Pid tid, Fd fd, string text, Action<bool> done)
    {
        while (true)
        {
            var r = fs.Write(tid, fd, text);
            yield return NativeStep.Ran;
            if (r.IsBlocked) continue;
            done(r.IsOk);
            yield break;
        }
    }

    /// <summary>Reads <paramref name="fd"/> to end-of-file, sleeping while a pipe is empty; null when a read failed.</summary>
    private IEnumerable<NativeStep> ReadAll(Pid tid, Fd fd, Action<string?> done)
    {
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var r = fs.Read(tid, fd, 4096);
            yield return NativeStep.Ran;
            if (r.IsBlocked) continue;
            if (!r.IsOk) { done(null); yield break; }
            if (r.Value.Length == 0) { done(text.ToString()); yield break; }
            text.Append(r.Value);
        }
    }

    private IEnumerable<NativeStep> Echo(Pid tid, IReadOnlyList<string> argv)
    {
        var args = argv.Skip(1).ToList();
        bool newline = !(args.Count > 0 && args[0] == "-n");
        if (!newline) args.RemoveAt(0);
        bool ok = true;
        foreach (var s in WriteAll(tid, Fd.Stdout, string.Join(" ", args) + (newline ? "\n" : ""), r => ok = r)) yield return s;
        foreach (var s in ExitWith(tid, ok ? 0 : 1)) yield return s;
    }

    /// <summary>cat: copies each file (or stdin when there is none) to stdout, one read and one write at a time.</summary>
    private IEnumerable<NativeStep> Cat(Pid tid, IReadOnlyList<string> argv)
    {
        int status = 0;
        var files = argv.Count > 1 ? argv.Skip(1).ToList() : ["-"];
        foreach (var name in files)
        {
            Fd fd = Fd.Stdin;
            if (name != "-")
            {
                var open = fs.Open(tid, name);
                yield return NativeStep.Ran;
                if (!open.IsOk)
                {
                    foreach (var s in Complain(tid, $"cat: {name}: {open.Errno.Describe()}\n")) yield return s;
                    status = 1;
                    continue;
                }
                fd = open.Value;
            }
            while (true)
            {
                var r = fs.Read(tid, fd, 4096);
                yield return NativeStep.Ran;
                if (r.IsBlocked) continue;
                if (!r.IsOk)
                {
                    foreach (var s in Complain(tid, $"cat: {name}: {r.Errno.Describe()}\n")) yield return s;
                    status = 1;
                    break;
                }
                if (r.Value.Length == 0) break;
                bool ok = true;
                foreach (var s in WriteAll(tid, Fd.Stdout, r.Value, w => ok = w)) yield return s;
                if (!ok) { status = 1; break; }
            }
            if (fd != Fd.Stdin)
            {
                fs.Close(tid, fd);
                yield return NativeStep.Ran;
            }
        }
        foreach (var s in ExitWith(tid, status)) yield return s;
    }

    /// <summary>wc [-l] [-w] [-c] [file...]: counts lines (newlines), words and bytes, formatted like GNU wc.</summary>
    private IEnumerable<NativeStep> Wc(Pid tid, IReadOnlyList<string> argv)
    {
        var flags = argv.Skip(1).Where(a => a.StartsWith('-') && a.Length > 1).SelectMany(a => a[1..]).ToHashSet();
        var files = argv.Skip(1).Where(a => !(a.StartsWith('-') && a.Length > 1)).ToList();
        if (flags.Except(['l', 'w', 'c']).FirstOrDefault() is var bad and not '\0')
        {
            foreach (var s in Complain(tid, $"wc: invalid option -- '{bad}'\n")) yield return s;
            foreach (var s in ExitWith(tid, 1)) yield return s;
            yield break;
        }
        if (flags.Count == 0) flags = ['l', 'w', 'c'];
        var inputs = new List<(string? Name, string Text)>();
        int status = 0;
        foreach (var name in files.Count == 0 ? [null] : files.Cast<string?>())
        {
            Fd fd = Fd.Stdin;
            if (name is not null)
            {
                var open = fs.Open(tid, name);
                yield return NativeStep.Ran;
                if (!open.IsOk)
                {
                    foreach (var s in Complain(tid, $"wc: {name}: {open.Errno.Describe()}\n")) yield return s;
                    status = 1;
                    continue;
                }
                fd = open.Value;
            }
            string? text = null;
            foreach (var s in ReadAll(tid, fd, t => text = t)) yield return s;
            if (text is null) status = 1;
            else inputs.Add((name, text));
            if (name is not null)
            {
                fs.Close(tid, fd);
                yield return NativeStep.Ran;
            }
        }
        var rows = inputs.Select(i => (i.Name, Counts: Count(i.Text, flags))).ToList();
        if (rows.Count > 1) rows.Add(("total", rows.Aggregate(new long[rows[0].Counts.Length], (sum, r) => [.. sum.Zip(r.Counts, (a, b) => a + b)])));
        bool alone = flags.Count == 1 && rows.Count == 1;
        int width = alone ? 1 : files.Count == 0 ? 7 : Math.Max(1, rows.SelectMany(r => r.Counts).Max().ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var output = string.Concat(rows.Select(r =>
            string.Join(" ", r.Counts.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width))) + (r.Name is null ? "" : " " + r.Name) + "\n"));
        bool ok = true;
        if (output.Length > 0) foreach (var s in WriteAll(tid, Fd.Stdout, output, w => ok = w)) yield return s;
        foreach (var s in ExitWith(tid, ok ? status : 1)) yield return s;
    }

    private static long[] Count(string text, HashSet<char> flags)
    {
        var counts = new List<long>();
        if (flags.Contains('l')) counts.Add(text.Count(c => c == '\n'));
        if (flags.Contains('w')) counts.Add(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        if (flags.Contains('c')) counts.Add(text.Length);
        return [.. counts];
    }

    /// <summary>ls [dir...]: one name per line into a pipe or file, on one line on a terminal (GNU prints columns there).</summary>
    private IEnumerable<NativeStep> Ls(Pid tid, IReadOnlyList<string> argv)
    {
        var targets = argv.Skip(1).Where(a => !a.StartsWith('-')).ToList();
        if (targets.Count == 0) targets.Add(".");
        int status = 0;
        bool terminal = fs.KindOf(tid, Fd.Stdout) == FileKind.Terminal;
        var output = new System.Text.StringBuilder();
        foreach (var target in targets)
        {
            // ls opens the directory and reads its entries (getdents64); the listing itself is the file system's
            var open = fs.Open(tid, target);
            yield return NativeStep.Ran;
            if (!open.IsOk)
            {
                foreach (var s in Complain(tid, $"ls: cannot access '{target}': {open.Errno.Describe()}\n")) yield return s;
                status = 2;
                continue;
            }
            string full = FileSystem.Normalize(target, M.Thread(tid)!.Process.Fs.Cwd);
            var names = fs.List(full) ?? [target];
            if (targets.Count > 1) output.Append(full == "/" ? "/" : target).Append(":\n");
            if (names.Count > 0) output.Append(terminal ? string.Join("  ", names) + "\n" : string.Concat(names.Select(n => n + "\n")));
            fs.Close(tid, open.Value);
            yield return NativeStep.Ran;
        }
        bool ok = true;
        if (output.Length > 0) foreach (var s in WriteAll(tid, Fd.Stdout, output.ToString(), w => ok = w)) yield return s;
        foreach (var s in ExitWith(tid, ok ? status : 2)) yield return s;
    }

    /// <summary>sleep n: the thread sleeps n seconds of logical time (<see cref="ShellOptions.TicksPerSecond"/> ticks each).</summary>
    private IEnumerable<NativeStep> Sleep(Pid tid, IReadOnlyList<string> argv)
    {
        if (argv.Count < 2 || !long.TryParse(argv[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long seconds))
        {
            foreach (var s in Complain(tid, argv.Count < 2 ? "sleep: missing operand\n" : $"sleep: invalid time interval '{argv[1]}'\n")) yield return s;
            foreach (var s in ExitWith(tid, 1)) yield return s;
            yield break;
        }
        var thread = M.Thread(tid)!;
        var context = (NativeContext)thread.Context!;
        context.SleepUntil = M.Clock + seconds * options.TicksPerSecond;
        M.Tick();
        M.Record(new Tracing.SyscallEvent(M.Clock, tid, "clock_nanosleep", $"CLOCK_REALTIME, 0, {{tv_sec={seconds}, tv_nsec=0}}", "? <sleeping>"));
        M.Block(thread, WaitChannel.Other, $"sleep: until t={context.SleepUntil}");
        yield return NativeStep.Ran;
        foreach (var s in ExitWith(tid, 0)) yield return s;
    }

    /// <summary>yes [text]: writes lines forever; only SIGPIPE (no reader left) or a kill ends it.</summary>
    private IEnumerable<NativeStep> Yes(Pid tid, IReadOnlyList<string> argv)
    {
        string line = (argv.Count > 1 ? string.Join(" ", argv.Skip(1)) : "y") + "\n";
        string block = string.Concat(Enumerable.Repeat(line, Math.Max(1, 64 / line.Length)));
        while (true)
        {
            bool ok = true;
            foreach (var s in WriteAll(tid, Fd.Stdout, block, w => ok = w)) yield return s;
            if (!ok)
            {
                foreach (var s in ExitWith(tid, 1)) yield return s;
                yield break;
            }
        }
    }

    private IEnumerable<NativeStep> Complain(Pid tid, string message) => WriteAll(tid, Fd.Stderr, message, _ => { });
}
