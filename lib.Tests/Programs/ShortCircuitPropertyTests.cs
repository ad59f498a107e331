using CourseKit.Programs;
using CsCheck;

namespace CourseKit.Tests.Programs;

/// <summary>
/// Random boolean expressions over fork() (with &amp;&amp;, || and !) run on the machine must create exactly the
/// processes, and leave exactly the truth values, that C's short-circuit rules give.
/// </summary>
public class ShortCircuitPropertyTests
{
    private abstract record Expr;
    private sealed record Fork : Expr { public override string ToString() => "fork()"; }
    private sealed record Not(Expr Operand) : Expr { public override string ToString() => $"!({Operand})"; }
    private sealed record Logical(string Op, Expr Left, Expr Right) : Expr { public override string ToString() => $"({Left} {Op} {Right})"; }

    private static Expr Build(Random random, int forks)
    {
        if (forks <= 1) return random.Next(4) == 0 ? new Not(new Fork()) : new Fork();
        int left = random.Next(1, forks);
        var op = random.Next(2) == 0 ? "&&" : "||";
        Expr e = new Logical(op, Build(random, left), Build(random, forks - left));
        return random.Next(5) == 0 ? new Not(e) : e;
    }

    /// <summary>The truth value each resulting process sees: fork() is true in the parent (pid > 0), false in the child.</summary>
    private static List<bool> Outcomes(Expr e) => e switch
    {
        Fork => [true, false],
        Not n => [.. Outcomes(n.Operand).Select(v => !v)],
        Logical { Op: "&&" } l => [.. Outcomes(l.Left).SelectMany(v => v ? Outcomes(l.Right) : [false])],
        Logical l => [.. Outcomes(l.Left).SelectMany(v => v ? [true] : Outcomes(l.Right))],
        _ => throw new InvalidOperationException(),
    };

    [Fact]
    public void Short_circuit_fork_expressions_make_the_processes_C_semantics_predict()
    {
        Gen.Int[0, int.MaxValue].Select(Gen.Int[1, 5]).Sample((seed, forks) =>
        {
            var expr = Build(new Random(seed), forks);
            var run = new ProgramRunner($"x = {expr}\nprint(x != 0)");
            var result = run.Run();
            Assert.Equal(RunStatus.Completed, result.Status);
            var expected = Outcomes(expr).Select(v => v ? "1" : "0").Order().ToList();
            Assert.Equal(expected, run.Lines(result).Order().ToList());
            Assert.Equal(expected.Count - 1, run.ProcessesCreatedByProgram);
        }, iter: 150);
    }
}
