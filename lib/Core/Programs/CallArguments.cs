using CourseKit.Programs.Syntax;

namespace CourseKit.Programs;

/// <summary>
/// Checks the arguments of a call against its <see cref="Builtin"/> (count and kind) with messages that
/// show the right usage, and fills in C's short forms: <c>wait()</c> is <c>wait(NULL)</c>,
/// <c>waitpid(pid, WNOHANG)</c> is <c>waitpid(pid, NULL, WNOHANG)</c>.
/// </summary>
internal static class CallArguments
{
    public static IReadOnlyList<Expression> Check(Builtin builtin, Call call)
    {
        var arguments = Normalize(builtin, call);
        CheckCount(builtin, call, arguments.Count);
        for (int i = 0; i < arguments.Count; i++)
            CheckKind(builtin, ParameterAt(builtin, i), arguments[i]);
        if (builtin.Name == "printf") CheckFormat(call, arguments);
        return arguments;
    }

    /// <summary>printf's format must consume exactly the values given (C compilers warn; here it is an error).</summary>
    private static void CheckFormat(Call call, IReadOnlyList<Expression> arguments)
    {
        var format = (StringLiteral)arguments[0];
        int wanted;
        try { wanted = Printf.CountConversions(format.Value); }
        catch (FormatException bad) { throw new ParseError(format.Position, $"bad printf format: {bad.Message}"); }
        int given = arguments.Count - 1;
        if (wanted != given)
            throw new ParseError(call.Position, $"the printf format has {Plural(wanted, "conversion")} (like %d) but {Plural(given, "value")} {(given == 1 ? "follows" : "follow")} it");
    }

    private static List<Expression> Normalize(Builtin builtin, Call call)
    {
        var arguments = call.Arguments.ToList();
        var at = call.Position;
        if (builtin.Name == "wait" && arguments.Count == 0) arguments.Add(Null(at));
        if (builtin.Name == "waitpid")
        {
            if (arguments.Count == 1) arguments.Add(Null(at));
            if (arguments.Count == 2 && !IsStatusPointer(arguments[1])) arguments.Insert(1, Null(at));
            if (arguments.Count == 2) arguments.Add(new NumberLiteral(at, 0));
        }
        if (builtin.Name is "exit" or "_exit" && arguments.Count == 0)
            throw new ParseError(at, $"{builtin.Name} needs the exit status, e.g. {builtin.Name}(0)");
        if (builtin.Name == "pthread_exit" && arguments.Count == 0) arguments.Add(new NumberLiteral(at, 0));
        if (builtin.Name == "mmap" && arguments.Count == 6) arguments = [arguments[1], arguments[2], arguments[3]];
        if (builtin.Name == "mmap" && arguments.Count != 3)
            throw new ParseError(at, "mmap takes (length, prot, flags) or C's six arguments (NULL, length, prot, flags, -1, 0)");
        if (builtin.Name == "open" && arguments.Count == 1) arguments.Add(new NumberLiteral(at, 0, "O_RDONLY"));
        if (builtin.Name == "fflush" && arguments.Count == 0) arguments.Add(new NumberLiteral(at, 1, "stdout"));
        if (builtin.Name == "execl" && arguments.Count > 1 && arguments[^1] is NumberLiteral { Value: 0 } or VariableReference { Name: "NULL" })
            arguments.RemoveAt(arguments.Count - 1);
        return arguments;
    }

    private static NumberLiteral Null(SourcePosition at) => new(at, 0, "NULL");

    private static bool IsStatusPointer(Expression e) => e is AddressOf or VariableReference { Name: "NULL" };

    private static void CheckCount(Builtin builtin, Call call, int count)
    {
        int required = builtin.Parameters.Count(p => !p.Optional && !p.Repeated);
        bool repeated = builtin.Parameters.Any(p => p.Repeated);
        int maximum = repeated ? int.MaxValue : builtin.Parameters.Count;
        if (count >= required && count <= maximum) return;
        var expected = builtin.Parameters.Count == 0 ? "no arguments" : $"the arguments {builtin.Usage}";
        throw new ParseError(call.Position, $"{builtin.Name} takes {expected}, but {Plural(call.Arguments.Count, "argument")} {(call.Arguments.Count == 1 ? "was" : "were")} given");
    }

    internal static ParameterKind KindAt(Builtin builtin, int index) =>
        builtin.Parameters.Count == 0 ? ParameterKind.Number : ParameterAt(builtin, index).Kind;

    private static BuiltinParameter ParameterAt(Builtin builtin, int index) =>
        index < builtin.Parameters.Count ? builtin.Parameters[index] : builtin.Parameters[^1];

    private static void CheckKind(Builtin builtin, BuiltinParameter parameter, Expression argument)
    {
        string? problem = (parameter.Kind, argument) switch
        {
            (ParameterKind.StatusPointer, AddressOf or NumberLiteral { Value: 0 } or VariableReference { Name: "NULL" }) => null,
            (ParameterKind.StatusPointer, _) => "must be &variable (where the status is stored) or NULL",
            (ParameterKind.Array, VariableReference v) when !v.Name.Contains('[') => null,
            (ParameterKind.Array, _) => "must be the name of an array declared as int fd[2]",
            (ParameterKind.Text, StringLiteral) => null,
            (ParameterKind.Text, _) => "must be a string in double quotes",
            (_, AddressOf) => "cannot be &variable (only wait and waitpid store through a pointer)",
            (ParameterKind.Number, StringLiteral) => "must be a number, not a string",
            _ => null,
        };
        if (problem is not null)
            throw new ParseError(argument.Position, $"the {parameter.Name} argument of {builtin.Name} {problem}: {builtin.Usage}");
    }

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
