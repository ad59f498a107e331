using System.Globalization;
using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>
/// Connects exec to the interpreter: installed as the machine's <see cref="Machine.ProgramLoader"/> hook, it
/// gives the thread of every new image a fresh <see cref="ProgramContext"/> for the program text its
/// executable carries (<see cref="Executable.Text"/>). Catalogue executables without text get their usual
/// behaviour as a tiny program (true exits 0, false exits 1, echo prints its arguments, sleep n sleeps n
/// ticks, yes prints y forever, anything else exits 0 at once), so exec'ing /bin/ls in an exercise just works.
/// </summary>
public sealed class ProgramLoader
{
    private const string InitPath = "/sbin/init";
    private readonly Machine _machine;
    private readonly Dictionary<(string Path, string Text), Program> _compiled = [];

    internal ProgramLoader(Machine machine)
    {
        _machine = machine;
        machine.ProgramLoader = (_, executable, argv) => NewContext(executable, argv);
    }

    /// <summary>
    /// Makes <paramref name="path"/> an executable of the machine (a small catalogue entry carrying the
    /// program text), so <c>exec("/home/student/prog")</c> — by a program, the shell or <c>Machine.Start</c> — runs it.
    /// </summary>
    public void Install(string path, Program program)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(program);
        _machine.Programs.Add(new Executable(path, CodePages: 4, DataPages: 2, $"program {program.Name}", Text: program.Source));
        _compiled[(path, program.Source)] = program;
    }

    /// <summary>
    /// The thread's program context; a process exec'd before this loader was attached gets its context on
    /// first sight. Null for a thread that runs no program (init, and init's children that never exec'd).
    /// </summary>
    internal ProgramContext? ContextOf(Pid tid)
    {
        var thread = _machine.Thread(tid);
        if (thread is null) return null;
        if (thread.Context is not null) return thread.Context as ProgramContext;
        var executable = _machine.Programs.Find(thread.Process.Executable);
        if (executable is null || executable.Path == InitPath) return null;
        var context = NewContext(executable, thread.Process.Argv);
        thread.Context = context;
        return context;
    }

    private ProgramContext? NewContext(Executable executable, IReadOnlyList<string> argv) =>
        executable.Path == InitPath ? null : new ProgramContext(ProgramFor(executable, argv), argv);

    private Program ProgramFor(Executable executable, IReadOnlyList<string> argv)
    {
        var text = executable.Text ?? DefaultBehaviour(executable.Path, argv);
        if (_compiled.TryGetValue((executable.Path, text), out var program)) return program;
        var compilation = Program.TryCompile(text, executable.CommandName);
        program = compilation.Program ?? Program.Compile(
            $"print({StringConstant.Quote($"{executable.Path}: cannot run: {string.Join("; ", compilation.Diagnostics.Select(d => $"{d.Position}: {d.Message}"))}")})\n_exit(126)",
            executable.CommandName);
        _compiled[(executable.Path, text)] = program;
        return program;
    }

    private static string DefaultBehaviour(string path, IReadOnlyList<string> argv)
    {
        var args = argv.Skip(1).ToList();
        return path[(path.LastIndexOf('/') + 1)..] switch
        {
            "true" => "exit(0)",
            "false" => "exit(1)",
            "echo" => $"print({StringConstant.Quote(string.Join(" ", args))})\nexit(0)",
            "sleep" => $"sleep({SleepTicks(args)})\nexit(0)",
            "yes" => $"while (1) print({StringConstant.Quote(args.Count == 0 ? "y" : string.Join(" ", args))})",
            _ => "exit(0)",
        };
    }

    private static long SleepTicks(List<string> args) =>
        args.Count > 0 && long.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
