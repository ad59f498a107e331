using System.Text.RegularExpressions;

namespace CourseKit.Tracing.Strace;

/// <summary>The outcome of reading a trace: the trace, or the first error (line number and expectation).</summary>
public sealed record StraceParseResult(StraceTrace? Trace, StraceError? Error)
{
    /// <summary>True when the whole text was read.</summary>
    public bool IsOk => Trace is not null;

    /// <summary>The trace, or a <see cref="StraceFormatException"/> carrying the error.</summary>
    public StraceTrace ValueOrThrow() => Trace ?? throw new StraceFormatException(Error!);

    /// <inheritdoc/>
    public override string ToString() => IsOk ? $"ok: {Trace}" : $"error: {Error}";
}

/// <summary>
/// A real <c>strace -f</c> trace, read: its records in order (calls joined across "unfinished/resumed"),
/// and the tasks it shows as a process tree. Reads output written with -o (pid prefixes) or to stderr
/// ("[pid N]" prefixes, none while one task is traced), with -t, -tt, -ttt, -r or no timestamps.
/// </summary>
public sealed partial class StraceTrace
{
    private StraceTrace(IReadOnlyList<StraceRecord> records, Dictionary<int, StraceTask> tasks, IReadOnlyList<StraceTask> roots,
        StraceTimestampKind kind, IReadOnlyList<string> notes)
    {
        Records = records;
        this.tasks = tasks;
        Roots = roots;
        TimestampKind = kind;
        Notes = notes;
    }

    private readonly Dictionary<int, StraceTask> tasks;

    /// <summary>Everything that happened, in the order strace finished printing it.</summary>
    public IReadOnlyList<StraceRecord> Records { get; }
    /// <summary>The traced commands: the roots of the process tree (usually one).</summary>
    public IReadOnlyList<StraceTask> Roots { get; }
    /// <summary>The first root (the traced command).</summary>
    public StraceTask Root => Roots[0];
    /// <summary>Every task, processes and threads, in order of first appearance.</summary>
    public IEnumerable<StraceTask> Tasks => tasks.Values;
    /// <summary>The processes only (tasks that are not threads).</summary>
    public IEnumerable<StraceTask> Processes => tasks.Values.Where(t => !t.IsThread);
    /// <summary>Which timestamps the trace carried; with <see cref="StraceTimestampKind.None"/> times are line numbers.</summary>
    public StraceTimestampKind TimestampKind { get; }
    /// <summary>Remarks about things the reader had to assume (e.g. a pid it could not see).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The task with this ID, or null.</summary>
    public StraceTask? Task(int tid) => tasks.GetValueOrDefault(tid);

    /// <summary>The system calls, in order of completion.</summary>
    public IEnumerable<StraceCall> Calls => Records.OfType<StraceCall>();

    /// <inheritdoc/>
    public override string ToString() =>
        $"strace trace: {Records.Count} records, {Processes.Count()} processes, {Tasks.Count(t => t.IsThread)} threads";

    /// <summary>Reads a trace from text. Never throws for bad input: a malformed line gives an error result.</summary>
    public static StraceParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new Reader().Read(text);
    }

    /// <summary>Reads a trace from text, throwing <see cref="StraceFormatException"/> for a malformed line.</summary>
    public static StraceTrace ParseOrThrow(string text) => Parse(text).ValueOrThrow();

    /// <summary>Reads a trace file (as written by <c>strace -o FILE</c> or captured from stderr).</summary>
    public static StraceParseResult Load(string path) => Parse(File.ReadAllText(path));

    [GeneratedRegex(@"strace: Process [0-9]+ (?:attached|detached)[^\n]*$")]
    private static partial Regex GluedNote();

    /// <summary>The stateful part of reading: pid resolution, time, joining split calls, the task tree.</summary>
    private sealed class Reader
    {
        private const int UnknownRoot = -1;
        private readonly List<StraceRecord> records = [];
        private readonly Dictionary<int, StraceTask> tasks = [];
        private readonly HashSet<int> live = [];
        private readonly Dictionary<int, StraceCallLine> pending = [];      // unfinished call per task
        private readonly HashSet<int> createdByCall = [];                   // tids some clone/fork returned
        private readonly List<string> notes = [];
        private StraceTimestampKind kind = StraceTimestampKind.None;
        private int kindLine;
        private long? first;            // first absolute timestamp (us)
        private long elapsed;           // running time for -r traces (us)
        private long lastTime;
        private int? rootPid;

        public StraceParseResult Read(string text)
        {
            var lines = SplitLines(text);
            for (int i = 0; i < lines.Count; i++)
            {
                var (number, raw) = lines[i];
                var (line, error) = StraceLineParser.Parse(number, raw);
                if (error is not null) return new(null, error);
                if (line is null) continue;
                error = Accept(line, raw);
                if (error is not null) return new(null, error);
            }
            foreach (var unfinished in pending.Values.OrderBy(l => l.LineNumber).ToList())
                Flush(unfinished.Pid ?? UnknownRoot);
            return new(Build(), null);
        }

        /// <summary>
        /// Lines, with strace's "Process N attached" messages unglued: on stderr strace may print that
        /// message in the middle of a call line, which then continues on the next line.
        /// </summary>
        private static List<(int Number, string Text)> SplitLines(string text)
        {
            var raw = text.Split('\n');
            var lines = new List<(int, string)>(raw.Length);
            for (int i = 0; i < raw.Length; i++)
            {
                string line = raw[i].TrimEnd('\r');
                var glued = GluedNote().Match(line);
                if (glued.Success && glued.Index > 0 && !string.IsNullOrWhiteSpace(line[..glued.Index]) && i + 1 < raw.Length)
                {
                    lines.Add((i + 1, "strace: " + glued.Value["strace: ".Length..]));
                    raw[i + 1] = line[..glued.Index] + raw[i + 1].TrimEnd('\r');
                    continue;
                }
                lines.Add((i + 1, line));
            }
            return lines;
        }

        private StraceError? Accept(StraceLine line, string raw)
        {
            if (line is StraceNoteLine note)
            {
                notes.Add($"line {note.LineNumber}: strace: {note.Text}");
                return null;
            }
            // Time: one timestamp format per trace; normalise to microseconds since the first line.
            if (kind == StraceTimestampKind.None && kindLine == 0) { kind = line.TimestampKind; kindLine = line.LineNumber; }
            else if (line.TimestampKind != kind)
                return new StraceError(line.LineNumber, raw, kind == StraceTimestampKind.None
                    ? $"no timestamp, like line {kindLine}"
                    : $"a {Describe(kind)} timestamp, like line {kindLine}");
            long time = Time(line);

            // Task: the prefix, or the only task strace was tracing (it prints no prefix then).
            int pid;
            if (line.Pid is int p)
            {
                pid = p;
                if (!live.Contains(pid) && !tasks.ContainsKey(pid) && !createdByCall.Contains(pid) && live.Remove(UnknownRoot))
                    ResolveRoot(pid);
            }
            else if (live.Count == 1) pid = live.First();
            else if (live.Count == 0 && tasks.Count == 0) pid = UnknownRoot;
            else return new StraceError(line.LineNumber, raw, live.Count == 0
                ? "a pid prefix ('1234 ' or '[pid 1234] '): no traced task is alive here"
                : $"a pid prefix ('1234 ' or '[pid 1234] '): {live.Count} tasks are traced here");
            Touch(pid);

            switch (line)
            {
                case StraceCallLine call:
                    return AcceptCall(call, pid, time, raw);
                case StraceSignalLine sig:
                    records.Add(new StraceSignal(sig.LineNumber, pid, time, sig.Signal, sig.Details, sig.Stopped));
                    return null;
                case StraceExitLine exit:
                    if (exit.SupersededBy is int by)
                    {
                        // execve by thread `by`: the old leader `pid` is gone, the thread carries on under the leader's pid
                        Flush(pid);
                        if (pending.Remove(by, out var moved)) pending[pid] = moved with { Pid = pid };
                        records.Add(new StraceExit(exit.LineNumber, pid, time, null, null, false, by));
                        live.Remove(by);
                        return null;
                    }
                    Flush(pid);                                        // a call cut short by death never returns
                    records.Add(new StraceExit(exit.LineNumber, pid, time, exit.ExitCode, exit.KilledBy, exit.CoreDumped, null));
                    live.Remove(pid);
                    return null;
                default:
                    return new StraceError(line.LineNumber, raw, "a known line kind");
            }
        }

        private StraceError? AcceptCall(StraceCallLine call, int pid, long time, string raw)
        {
            if (call.IsResumed)
            {
                if (pending.Remove(pid, out var start))
                {
                    if (start.Name != call.Name)
                        return new StraceError(call.LineNumber, raw, $"'<... {start.Name} resumed>': pid {Shown(pid)} left {start.Name} unfinished at line {start.LineNumber}");
                    string args = JoinArguments(start.Arguments, call.Arguments);
                    if (call.IsUnfinished) { pending[pid] = start with { Arguments = args }; return null; }
                    Complete(new StraceCall(call.LineNumber, pid, time, call.Name, args, call.Result, start.LineNumber, start.Microseconds));
                    return null;
                }
                // The first half is missing (strace attached in the middle of the call): keep what we have.
                if (call.IsUnfinished) { pending[pid] = call with { Pid = pid, Microseconds = time }; return null; }
                Complete(new StraceCall(call.LineNumber, pid, time, call.Name, call.Arguments, call.Result, call.LineNumber, time));
                return null;
            }
            if (pending.TryGetValue(pid, out var open))
                return new StraceError(call.LineNumber, raw, $"'<... {open.Name} resumed>' first: pid {Shown(pid)} left {open.Name} unfinished at line {open.LineNumber}");
            if (call.IsUnfinished) { pending[pid] = call with { Pid = pid, Microseconds = time }; return null; }
            Complete(new StraceCall(call.LineNumber, pid, time, call.Name, call.Arguments, call.Result, call.LineNumber, time));
            return null;
        }

        /// <summary>Joins the halves: "wait4(-1, " + "[{WIFEXITED(s)...}], 0, NULL".</summary>
        private static string JoinArguments(string first, string second)
        {
            first = first.TrimEnd();
            second = second.TrimStart();
            if (first.Length == 0) return second;
            if (second.Length == 0) return first;
            return first.EndsWith(',') ? first + " " + second : first + second;
        }

        /// <summary>An unfinished call whose task dies or whose trace ends: it never returned.</summary>
        private void Flush(int pid)
        {
            if (!pending.Remove(pid, out var start)) return;
            Complete(new StraceCall(start.LineNumber, pid, start.Microseconds, start.Name, start.Arguments, null, start.LineNumber, start.Microseconds));
        }

        private void Complete(StraceCall call)
        {
            records.Add(call);
            if (IsCreation(call.Name) && call.Result is { Value: > 0 and <= int.MaxValue, IsError: false } r)
            {
                int child = (int)r.Value!.Value;
                createdByCall.Add(child);
                if (child != call.Pid && !live.Contains(child) && !tasks.ContainsKey(child)) live.Add(child);
            }
        }

        private static bool IsCreation(string name) => name is "clone" or "clone3" or "fork" or "vfork";

        private void Touch(int pid)
        {
            if (!tasks.ContainsKey(pid)) { tasks[pid] = new StraceTask(pid); live.Add(pid); }
        }

        /// <summary>The first pid seen that no clone created is the traced command, seen before without prefix.</summary>
        private void ResolveRoot(int pid)
        {
            rootPid = pid;
            live.Add(pid);
            if (tasks.Remove(UnknownRoot, out var placeholder))
                tasks[pid] = new StraceTask(pid);
            foreach (var key in pending.Keys.Where(k => k == UnknownRoot).ToList())
                if (pending.Remove(key, out var call)) pending[pid] = call with { Pid = pid };
            for (int i = 0; i < records.Count; i++)
                if (records[i].Pid == UnknownRoot) records[i] = records[i] with { Pid = pid };
            _ = placeholder;
        }

        private long Time(StraceLine line)
        {
            long t = line.TimestampKind switch
            {
                StraceTimestampKind.None => line.LineNumber,
                StraceTimestampKind.Relative => elapsed += line.Microseconds,
                _ => Absolute(line.Microseconds),
            };
            lastTime = Math.Max(lastTime, t);
            return t;
        }

        private long Absolute(long us)
        {
            first ??= us;
            long t = us - first.Value;
            const long Day = 86_400_000_000;
            if (kind == StraceTimestampKind.TimeOfDay)
                while (t < lastTime - Day / 2) t += Day;   // the trace ran past midnight
            return t;
        }

        private static string Describe(StraceTimestampKind k) => k switch
        {
            StraceTimestampKind.TimeOfDay => "time-of-day (-t/-tt)",
            StraceTimestampKind.Epoch => "seconds-since-epoch (-ttt)",
            StraceTimestampKind.Relative => "relative (-r)",
            _ => "missing",
        };

        private string Shown(int pid) => pid == UnknownRoot ? "(the traced command)" : pid.ToString(System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Builds the process tree from the records: creation, exec, exit, reaping.</summary>
        private StraceTrace Build()
        {
            if (tasks.ContainsKey(UnknownRoot))
            {
                notes.Add("the traced command's pid never appears (strace prints no pid prefix while it traces one task): it is shown as pid 0");
                var t = tasks[UnknownRoot];
                tasks.Remove(UnknownRoot);
                tasks[0] = new StraceTask(0);
                for (int i = 0; i < records.Count; i++)
                    if (records[i].Pid == UnknownRoot) records[i] = records[i] with { Pid = 0 };
                _ = t;
            }
            foreach (var record in records)
            {
                var task = tasks[record.Pid];
                switch (record)
                {
                    case StraceCall call when IsCreation(call.Name) && call.Result is { Value: > 0 and <= int.MaxValue, IsError: false } r:
                        Created(call, (int)r.Value!.Value);
                        break;
                    case StraceCall { Name: "execve" or "execveat" } exec:
                        Execed(task, exec);
                        break;
                    case StraceCall { Name: "wait4" or "waitpid" or "waitid" } wait:
                        Reaped(wait);
                        break;
                    case StraceExit { SupersededBy: not null }:
                        break;                         // not an end of the process: its pid lives on with the new program
                    case StraceExit exit:
                        task.ExitCode = exit.ExitCode;
                        task.KilledBy = exit.KilledBy;
                        task.CoreDumped = exit.CoreDumped;
                        if (exit.ExitCode is int code) task.WaitStatus = (code & 0xff) << 8;
                        else if (exit.KilledBy is string sig && StraceNames.SignalNumber(sig) is int signo)
                            task.WaitStatus = (signo & 0x7f) | (exit.CoreDumped ? 0x80 : 0);
                        break;
                }
            }
            var roots = new List<StraceTask>();
            foreach (var task in tasks.Values)
            {
                if (task.CreatedBy is null)
                {
                    if (task.Tid == rootPid || roots.Count == 0) task.Creation = StraceCreation.Traced;
                    roots.Add(task);
                }
            }
            return new StraceTrace(records, tasks, roots, kind, notes);
        }

        private void Created(StraceCall call, int childTid)
        {
            var creator = tasks[call.Pid];
            if (!tasks.TryGetValue(childTid, out var child)) tasks[childTid] = child = new StraceTask(childTid);
            ulong flags = call.Name switch
            {
                "fork" => 17,                   // SIGCHLD
                "vfork" => 0x100 | 0x4000 | 17,  // CLONE_VM | CLONE_VFORK | SIGCHLD
                _ => StraceNames.ParseCloneFlags(call.Arguments),
            };
            const ulong Thread = 0x10000, Parent = 0x8000;
            var creatorProcess = tasks.GetValueOrDefault(creator.Tgid) ?? creator;
            child.CreatedBy = call;
            child.CreatorTid = creator.Tid;
            child.CloneFlags = flags;
            child.Creation = call.Name switch
            {
                "fork" => StraceCreation.Fork, "vfork" => StraceCreation.Vfork,
                "clone3" => StraceCreation.Clone3, _ => StraceCreation.Clone,
            };
            child.Tgid = (flags & Thread) != 0 ? creator.Tgid : childTid;
            child.ParentPid = (flags & (Thread | Parent)) != 0 ? creatorProcess.ParentPid : creator.Tgid;
            child.Program ??= creatorProcess.Program;
            // In the tree a thread hangs under its process, a new process under its parent process.
            var under = child.IsThread ? creatorProcess : child.ParentPid is int pp && tasks.TryGetValue(pp, out var parent) ? parent : creatorProcess;
            under.children.Add(child);
        }

        private static void Execed(StraceTask task, StraceCall exec)
        {
            var args = exec.ArgumentList;
            int pathIndex = exec.Name == "execveat" ? 1 : 0;
            string path = args.Count > pathIndex ? StraceArguments.DecodeString(args[pathIndex]) ?? args[pathIndex] : "";
            var argv = args.Count > pathIndex + 1 ? StraceArguments.DecodeStringArray(args[pathIndex + 1]) ?? [] : [];
            string? errno = exec.Result is { IsError: true } r ? r.ErrnoName : exec.Result is null ? "(did not return)" : null;
            if (exec.Result is null) return;     // cut short: no outcome to record
            task.execs.Add(new StraceExec(exec.LineNumber, exec.Time, path, argv, errno));
            if (errno is null) task.Program = path;
        }

        private void Reaped(StraceCall wait)
        {
            if (wait.Result is not { Value: long value, IsError: false }) return;
            var caller = tasks[wait.Pid];
            int reaped;
            if (wait.Name == "waitid")
            {
                if (value != 0 || wait.Arguments.Contains("WNOWAIT", StringComparison.Ordinal)) return;
                if (StraceNames.ValueAfter(wait.Arguments, "si_pid=") is not string s || !int.TryParse(s, out reaped) || reaped <= 0) return;
            }
            else
            {
                if (value <= 0 || value > int.MaxValue) return;
                reaped = (int)value;
            }
            if (tasks.TryGetValue(reaped, out var child)) child.ReapedBy = caller.Tgid;
        }
    }
}
