using System.Collections;
using System.Globalization;
using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;

namespace CourseKit.Lessons;

/// <summary>
/// Exercise checks, each one line an instructor writes under an exercise cell, e.g.
/// <c>Check.Equal(hellos, lab.Lines.Count, what: "how many hellos", hint: "each fork doubles the processes")</c>.
/// Every check returns a <see cref="CheckResult"/> that draws itself; none throws for a student's answer.
/// </summary>
/// <remarks>
/// The convention that makes "not done yet" work: an exercise declares its answer as null
/// (<c>int? hellos = null;</c>) and the solution, between <c>// ### BEGIN SOLUTION</c> and
/// <c>// ### END SOLUTION</c>, assigns it. The student release removes the solution and leaves a TODO line,
/// so the answer stays null and the check says "not done yet" instead of failing or crashing.
/// </remarks>
public static class Check
{
    private const string DefaultWhat = "your answer";

    /// <summary>
    /// Passes when <paramref name="answer"/> equals <paramref name="expected"/> (sequences compare item by item).
    /// A null answer is "not done yet".
    /// </summary>
    /// <param name="answer">The student's answer (null while the TODO stub is in place).</param>
    /// <param name="expected">The right value, ideally computed by running the simulator, not typed in.</param>
    /// <param name="hint">Shown when the answer differs.</param>
    /// <param name="what">What the answer is about, as the check's title.</param>
    public static CheckResult Equal<T>(T answer, T expected, string? hint = null, string? what = null)
    {
        var title = what ?? DefaultWhat;
        if (answer is null) return NotDone(title, hint);
        return Guard(title, hint, () => Same(answer, expected)
            ? new CheckResult(CheckOutcome.Passed, title, $"{Show(answer)}: right.")
            : new CheckResult(CheckOutcome.Failed, title, "Your answer differs from the right one.",
                [new CheckDifference(title, Show(expected), Show(answer))], hint));
    }

    /// <summary>Passes when <paramref name="condition"/> holds (for facts the lesson computed itself).</summary>
    public static CheckResult That(bool condition, string what, string? hint = null) =>
        condition
            ? new CheckResult(CheckOutcome.Passed, what, "holds.")
            : new CheckResult(CheckOutcome.Failed, what, "does not hold.", null, hint);

    /// <summary>
    /// Passes when <paramref name="isRight"/> says yes about the answer. A null answer is "not done yet"; an
    /// exception inside <paramref name="isRight"/> is reported as a failed check with its message.
    /// </summary>
    public static CheckResult That<T>(T answer, Func<T, bool> isRight, string what, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(isRight);
        if (answer is null) return NotDone(what, hint);
        return Guard(what, hint, () => isRight(answer)
            ? new CheckResult(CheckOutcome.Passed, what, $"{Show(answer)}: right.")
            : new CheckResult(CheckOutcome.Failed, what, $"{Show(answer)} is not right.", null, hint));
    }

    /// <summary>
    /// A multiple-choice answer: passes when the letter matches (case does not matter). Null is "not done yet".
    /// </summary>
    public static CheckResult Choice(char? answer, char right, string? hint = null, string? what = null)
    {
        var title = what ?? "your choice";
        if (answer is not { } a) return NotDone(title, hint);
        return char.ToLowerInvariant(a) == char.ToLowerInvariant(right)
            ? new CheckResult(CheckOutcome.Passed, title, $"({char.ToLowerInvariant(a)}) is right.")
            : new CheckResult(CheckOutcome.Failed, title, $"({char.ToLowerInvariant(a)}) is not the best answer: read the options again.", null, hint);
    }

    /// <summary>
    /// A short written explanation: passes when it mentions every idea. Each idea lists words that express
    /// it, separated by '|' (<c>"copy|copies|copied"</c>); matching ignores case. Null or blank is "not done yet".
    /// </summary>
    public static CheckResult Mentions(string? explanation, string what, string? hint, params string[] ideas)
    {
        ArgumentNullException.ThrowIfNull(ideas);
        if (string.IsNullOrWhiteSpace(explanation)) return NotDone(what, hint);
        var missing = ideas.Where(idea => !idea.Split('|').Any(word => explanation.Contains(word.Trim(), StringComparison.OrdinalIgnoreCase))).ToList();
        return missing.Count == 0
            ? new CheckResult(CheckOutcome.Passed, what, "Your explanation covers every idea the exercise asks for.")
            : new CheckResult(CheckOutcome.Failed, what,
                $"Your explanation misses {(missing.Count == 1 ? "one idea" : $"{missing.Count} ideas")}: say something about {string.Join(" and ", missing.Select(m => "“" + m.Split('|')[0].Trim() + "”"))}.",
                null, hint);
    }

    /// <summary>
    /// Passes when the process tree below <paramref name="root"/> has the shape <paramref name="expectedShape"/>,
    /// written like <c>"sh(ls,wc)"</c> or <c>"prog(prog(prog),prog)"</c>: a command name, its children in
    /// parentheses; <c>*</c> matches any name. The order of siblings does not matter.
    /// </summary>
    /// <param name="tree">The tree the student's work produced.</param>
    /// <param name="expectedShape">The shape it should have.</param>
    /// <param name="root">The process at the top of the shape; by default init's only child (or init).</param>
    /// <param name="hint">Shown when the shape differs.</param>
    public static CheckResult TreeShape(ProcessTreeSnapshot tree, string expectedShape, Pid? root = null, string? hint = null)
    {
        const string title = "shape of the process tree";
        ArgumentNullException.ThrowIfNull(tree);
        return Guard(title, hint, () =>
        {
            var actual = ProcessShape.Of(tree, root ?? ProcessShape.DefaultRoot(tree));
            var expected = ProcessShape.Parse(expectedShape);
            return Compare(title, expected, actual, "yours", hint);
        });
    }

    /// <summary>The tree-shape check on a whole-machine snapshot.</summary>
    public static CheckResult TreeShape(MachineSnapshot machine, string expectedShape, Pid? root = null, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return TreeShape(machine.Tree, expectedShape, root, hint);
    }

    /// <summary>
    /// A predicted shape (the student's, null while not done) against the tree the simulator built.
    /// A shape that cannot be read is a failed check that says where it went wrong.
    /// </summary>
    public static CheckResult TreeShape(string? predictedShape, ProcessTreeSnapshot actual, Pid? root = null, string? hint = null)
    {
        const string title = "predicted process tree";
        ArgumentNullException.ThrowIfNull(actual);
        if (string.IsNullOrWhiteSpace(predictedShape)) return NotDone(title, hint);
        return Guard(title, hint, () =>
        {
            var right = ProcessShape.Of(actual, root ?? ProcessShape.DefaultRoot(actual));
            var predicted = ProcessShape.Parse(predictedShape);
            return Compare(title, right, predicted, "your prediction", hint);
        });
    }

    /// <summary>
    /// Compiles and runs a student's program on a fresh machine (<see cref="Lab.Start(string, int, SchedulingPolicy?)"/>), then hands
    /// the finished run to <paramref name="judge"/>, itself usually another check:
    /// <c>Check.Program(program, run =&gt; Check.TreeShape(run.Tree, "prog(prog,prog)", run.Root))</c>.
    /// Null source is "not done yet"; a compile error, an endless loop or a deadlock is a failed check that
    /// says so (with the line and column for a typo).
    /// </summary>
    public static CheckResult Program(string? source, Func<Lab, CheckResult> judge, string? hint = null, long maxSteps = 10_000)
    {
        const string title = "your program";
        ArgumentNullException.ThrowIfNull(judge);
        if (string.IsNullOrWhiteSpace(source)) return NotDone(title, hint);
        var compiled = Programs.Program.TryCompile(source, "prog");
        if (compiled.Program is null)
            return new CheckResult(CheckOutcome.Failed, title, "It does not compile yet:\n" + string.Join("\n", compiled.Diagnostics), null, hint);
        return Guard(title, hint, () =>
        {
            var lab = Lab.Start(compiled.Program);
            var result = lab.Run(maxSteps).Result!;
            if (result.Status != RunStatus.Completed)
                return new CheckResult(CheckOutcome.Failed, title, $"It did not finish: {result.Message}", null, hint);
            return judge(lab);
        });
    }

    /// <summary>
    /// Several checks as one: passes when all pass; otherwise shows the first that did not (not done beats failed,
    /// so a half-written answer is not called wrong).
    /// </summary>
    public static CheckResult All(params CheckResult[] checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (checks.Length == 0) throw new ArgumentException("give at least one check", nameof(checks));
        return checks.FirstOrDefault(c => c.Outcome == CheckOutcome.NotDone)
               ?? checks.FirstOrDefault(c => c.Outcome == CheckOutcome.Failed)
               ?? new CheckResult(CheckOutcome.Passed, string.Join(" and ", checks.Select(c => c.Title)), "all right.");
    }

    private static CheckResult Compare(string title, ProcessShape right, ProcessShape other, string otherLabel, string? hint)
    {
        if (right.Matches(other))
            return new CheckResult(CheckOutcome.Passed, title, $"{other}: right.");
        var differences = new List<CheckDifference> { new("shape", right.ToString(), other.ToString()) };
        if (right.Count != other.Count)
            differences.Add(new CheckDifference("processes", Number(right.Count), Number(other.Count)));
        if (right.Depth != other.Depth)
            differences.Add(new CheckDifference("generations", Number(right.Depth), Number(other.Depth)));
        return new CheckResult(CheckOutcome.Failed, title, $"The tree differs from {(otherLabel == "yours" ? "the expected one" : "the one the simulator built")}.", differences, hint);
    }

    private static CheckResult NotDone(string title, string? hint) =>
        new(CheckOutcome.NotDone, title, "Not done yet: write your answer where the cell says TODO (the answer is still null), then run the cell again.", null, hint);

    /// <summary>Runs a check body; anything it throws becomes a failed check with the message (never a stack trace).</summary>
    private static CheckResult Guard(string title, string? hint, Func<CheckResult> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or SysCallException or ProgramSyntaxException or KeyNotFoundException)
        {
            return new CheckResult(CheckOutcome.Failed, title, e.Message, null, hint);
        }
    }

    private static bool Same<T>(T answer, T expected)
    {
        if (answer is string || expected is string) return Equals(answer, expected);
        if (answer is IEnumerable a && expected is IEnumerable e) return a.Cast<object?>().SequenceEqual(e.Cast<object?>());
        return EqualityComparer<T>.Default.Equals(answer, expected);
    }

    internal static string Show(object? value) => value switch
    {
        null => "nothing",
        string s => s.Length == 0 ? "\"\" (empty)" : s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
