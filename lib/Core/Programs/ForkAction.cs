using System.Text.RegularExpressions;

namespace CourseKit.Programs;

/// <summary>
/// One step of an OSTEP fork.py-style script: <c>a+b</c> (process a forks a child named b) or
/// <c>b-</c> (process b exits). Names stand for processes; the machine gives them real PIDs.
/// </summary>
public abstract record ForkAction(string Actor)
{
    /// <summary>Parses <c>a+b,b+c,c-</c>; every problem is reported with the action's number and text.</summary>
    public static ActionParse TryParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var actions = new List<ForkAction>();
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0 && parts.Length == 1) break;
            var action = ParseOne(parts[i]);
            if (action is null)
                return new ActionParse([], $"action {i + 1} '{parts[i]}' is not understood: write 'a+b' (a forks a new child b) or 'b-' (b exits)");
            actions.Add(action);
        }
        return new ActionParse(actions, null);
    }

    /// <summary>Parses an action list known to be well-formed; throws <see cref="FormatException"/> with the reason otherwise.</summary>
    public static IReadOnlyList<ForkAction> ParseList(string text)
    {
        var parse = TryParseList(text);
        return parse.Error is null ? parse.Actions : throw new FormatException(parse.Error);
    }

    private static readonly Regex Fork = new(@"^([A-Za-z][A-Za-z0-9_]*)\s*\+\s*([A-Za-z][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant);
    private static readonly Regex Exit = new(@"^([A-Za-z][A-Za-z0-9_]*)\s*-$", RegexOptions.CultureInvariant);

    private static ForkAction? ParseOne(string text)
    {
        var fork = Fork.Match(text);
        if (fork.Success) return new ForkActionFork(fork.Groups[1].Value, fork.Groups[2].Value);
        var exit = Exit.Match(text);
        return exit.Success ? new ForkActionExit(exit.Groups[1].Value) : null;
    }

    /// <summary>Formats a list back to the textbook form <c>a+b,b-</c>.</summary>
    public static string Format(IEnumerable<ForkAction> actions) => string.Join(",", actions);
}

/// <summary><c>parent+child</c>: the parent calls fork(); the child is known by the new name.</summary>
public sealed record ForkActionFork(string Parent, string Child) : ForkAction(Parent)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Parent}+{Child}";
}

/// <summary><c>name-</c>: the process calls exit(0).</summary>
public sealed record ForkActionExit(string Process) : ForkAction(Process)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Process}-";
}

/// <summary>The result of parsing an action list: the actions, or a message saying what is wrong.</summary>
public sealed record ActionParse(IReadOnlyList<ForkAction> Actions, string? Error)
{
    /// <summary>True when the text parsed.</summary>
    public bool Success => Error is null;
}
