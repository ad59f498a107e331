using AngleSharp.Html.Parser;
using CourseKit.Display;
using CourseKit.Kernel;
using CourseKit.Lessons;

namespace CourseKit.Tests.Lessons;

public sealed class CheckTests
{
    [Fact]
    public void Equal_passes_fails_with_the_difference_and_says_not_done_for_null()
    {
        Assert.Equal(CheckOutcome.Passed, Check.Equal((int?)8, 8).Outcome);

        var wrong = Check.Equal((int?)6, 8, hint: "count the forks", what: "hellos");
        Assert.Equal(CheckOutcome.Failed, wrong.Outcome);
        Assert.Equal(new CheckDifference("hellos", "8", "6"), Assert.Single(wrong.Differences));
        Assert.Equal("count the forks", wrong.Hint);

        var notDone = Check.Equal((int?)null, 8);
        Assert.Equal(CheckOutcome.NotDone, notDone.Outcome);
        Assert.Contains("TODO", notDone.Message);
    }

    [Fact]
    public void Equal_compares_sequences_item_by_item()
    {
        Assert.True(Check.Equal<string[]?>(["ENOENT", "EACCES"], ["ENOENT", "EACCES"]).Passed);
        var wrong = Check.Equal<string[]?>(["EACCES", "ENOENT"], ["ENOENT", "EACCES"]);
        Assert.Equal(CheckOutcome.Failed, wrong.Outcome);
        Assert.Equal("[ENOENT, EACCES]", wrong.Differences[0].Expected);
    }

    [Fact]
    public void A_failed_check_never_shows_the_hint_as_passed_and_a_pass_hides_the_hint()
    {
        Assert.DoesNotContain("hint", Check.Equal((int?)1, 1, hint: "secret").ToString());
        Assert.Contains("hint: secret", Check.Equal((int?)2, 1, hint: "secret").ToString());
    }

    [Fact]
    public void That_with_a_throwing_predicate_is_a_failed_check_not_an_exception()
    {
        var result = Check.That("x", _ => throw new InvalidOperationException("the run has no child"), "a child exists");
        Assert.Equal(CheckOutcome.Failed, result.Outcome);
        Assert.Contains("the run has no child", result.Message);
        Assert.Equal(CheckOutcome.NotDone, Check.That((string?)null, _ => true, "anything").Outcome);
    }

    [Theory]
    [InlineData('b', CheckOutcome.Passed)]
    [InlineData('B', CheckOutcome.Passed)]
    [InlineData('c', CheckOutcome.Failed)]
    [InlineData(null, CheckOutcome.NotDone)]
    public void Choice_ignores_case(char? answer, CheckOutcome outcome) =>
        Assert.Equal(outcome, Check.Choice(answer, 'b').Outcome);

    [Fact]
    public void Mentions_needs_every_idea_in_any_of_its_words()
    {
        Assert.True(Check.Mentions("The parent gets the child's PID, the child gets 0.", "fork", null, "0|zero", "child's pid").Passed);
        var missing = Check.Mentions("it returns zero", "fork", null, "0|zero", "child's pid|pid of the child");
        Assert.Equal(CheckOutcome.Failed, missing.Outcome);
        Assert.Contains("child's pid", missing.Message);
        Assert.Equal(CheckOutcome.NotDone, Check.Mentions("   ", "fork", null, "x").Outcome);
    }

    [Fact]
    public void TreeShape_matches_siblings_in_any_order_and_stars_any_name()
    {
        var lab = Lab.Start("if (fork() == 0) { fork() }\nfork()").Run();
        var tree = lab.ForkTree;
        // a forks b; b forks c; then a, b and c each fork once more: a(b(c(f),e),d)
        Assert.True(Check.TreeShape(tree, "prog(prog(prog(prog),prog),prog)").Passed);
        Assert.True(Check.TreeShape(tree, "prog(prog, prog(prog, prog(prog)))").Passed);
        Assert.True(Check.TreeShape(tree, "*(*(*(*),*),*)").Passed);
        var wrong = Check.TreeShape(tree, "prog(prog,prog,prog)");
        Assert.Equal(CheckOutcome.Failed, wrong.Outcome);
        Assert.Contains(wrong.Differences, d => d.What == "processes" && d.Expected == "4" && d.Yours == "6");
    }

    [Theory]
    [InlineData("a(b")]
    [InlineData("a(b))")]
    [InlineData("(a)")]
    [InlineData("a(,b)")]
    public void A_shape_that_cannot_be_read_is_a_failed_check_naming_the_position(string shape)
    {
        var lab = Lab.Start("fork()").Run();
        var result = Check.TreeShape(shape, lab.ForkTree);
        Assert.Equal(CheckOutcome.Failed, result.Outcome);
        Assert.Contains("position", result.Message + string.Concat(result.Differences.Select(d => d.Yours)));
    }

    [Fact]
    public void Program_reports_compile_errors_with_the_line_and_endless_loops_as_failures()
    {
        var typo = Check.Program("pid = fork(\nprint(pid)", run => Check.That(true, "x"));
        Assert.Equal(CheckOutcome.Failed, typo.Outcome);
        Assert.Contains("line", typo.Message);

        var endless = Check.Program("while (1) { }", run => Check.That(true, "x"), maxSteps: 500);
        Assert.Equal(CheckOutcome.Failed, endless.Outcome);
        Assert.Contains("did not finish", endless.Message);

        Assert.Equal(CheckOutcome.NotDone, Check.Program(null, run => Check.That(true, "x")).Outcome);
        Assert.True(Check.Program("fork()", run => Check.Equal(run.ProcessesCreated, 1)).Passed);
    }

    [Fact]
    public void All_prefers_not_done_over_failed_and_passes_only_when_every_check_does()
    {
        Assert.True(Check.All(Check.That(true, "a"), Check.That(true, "b")).Passed);
        Assert.Equal(CheckOutcome.Failed, Check.All(Check.That(true, "a"), Check.That(false, "b")).Outcome);
        Assert.Equal(CheckOutcome.NotDone, Check.All(Check.That(false, "a"), Check.Equal((int?)null, 1)).Outcome);
    }

    [Fact]
    public void The_view_encodes_what_a_student_typed_and_carries_the_outcome_marker()
    {
        var result = Check.Equal("<img src=x onerror=alert(1)>", "ok", hint: "<b>no</b>");
        var html = DisplayRegistry.Render(result, DisplayRegistry.Html)!;
        var document = new HtmlParser().ParseDocument(html);

        Assert.Empty(document.QuerySelectorAll("img"));
        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.Empty(document.QuerySelectorAll(".ck-check-hint b"));
        Assert.Equal("failed", document.QuerySelector("[data-check]")!.GetAttribute("data-check"));
        Assert.Contains("<img src=x onerror=alert(1)>", document.QuerySelector("td.ck-mono:last-child")!.TextContent);
    }

    [Fact]
    public void Lab_steps_a_fork_and_both_processes_stand_on_the_same_line()
    {
        var lab = Lab.Start("pid = fork()\nprint(pid)");
        lab.StepLine();
        var frame = lab.Frame();
        Assert.Equal(2, frame.Marks[2].Length);
        Assert.Equal(2, lab.Threads.Length);
        Assert.Contains(lab.Threads, t => t.Variables["pid"] == 0);
        Assert.Contains(lab.Threads, t => t.Variables["pid"] != 0);
    }

    [Fact]
    public void ForkTree_keeps_exited_processes_and_names_them_after_exec()
    {
        var lab = Lab.Start("if (fork() == 0) { exec(\"/bin/echo\", \"hi\") }\nwait(NULL)").Run();
        Assert.Null(lab.Snapshot().Tree[lab.Root]); // gone from the live tree, kept in the fork tree
        Assert.True(Check.TreeShape(lab.ForkTree, "prog(echo)").Passed);
        Assert.Equal("hi\n", lab.Output);
    }
}
