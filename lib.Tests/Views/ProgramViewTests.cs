using CourseKit.Display;
using CourseKit.Programs;
using static CourseKit.Tests.Views.ProcessImageViewTests;

namespace CourseKit.Tests.Views;

public sealed class ProgramViewTests
{
    [Fact]
    public void After_fork_both_pcs_sit_on_the_same_instruction()
    {
        var session = ProgramSession.Create("pid = fork()\nprint(pid)");
        session.Step();
        var doc = Parse(DisplayRegistry.Render(session.Listing()!, DisplayRegistry.Html)!);
        var current = doc.QuerySelectorAll("tr.ck-current");
        Assert.Single(current);
        Assert.Equal("1", current[0].GetAttribute("data-pc"));
        Assert.Equal(2, current[0].QuerySelectorAll(".ck-thread-marker").Length);
        Assert.Equal(session.Listing()!.Lines.Count(), doc.QuerySelectorAll("tbody tr").Length);
        Assert.NotNull(doc.QuerySelector(".ck-legend"));
        Assert.Equal(session.Listing()!.ToString(), DisplayRegistry.Render(session.Listing()!, DisplayRegistry.PlainText));
    }

    [Fact]
    public void Session_shows_listing_and_output_and_snapshot_every_listing()
    {
        var session = ProgramSession.Create("pid = fork()\nprint(pid)");
        session.Step();
        var during = Parse(DisplayRegistry.Render(session.Snapshot(), DisplayRegistry.Html)!);
        Assert.Single(during.QuerySelectorAll("table"));
        Assert.Single(during.QuerySelectorAll("tr.ck-current"));
        session.Run();
        var doc = Parse(DisplayRegistry.Render(session, DisplayRegistry.Html)!);
        Assert.Equal(session.Output, doc.QuerySelector("pre.ck-output")!.TextContent);
        Assert.Empty(doc.QuerySelectorAll("tr.ck-current")); // everyone exited
    }

    [Fact]
    public void Compile_errors_show_position_message_and_caret_encoded()
    {
        var compilation = Program.TryCompile("pid = fork(\nprint(\"<img src=x onerror=alert(1)>\")");
        Assert.False(compilation.Success);
        var doc = Parse(DisplayRegistry.Render(compilation, DisplayRegistry.Html)!);
        var diagnostic = doc.QuerySelector(".ck-diagnostic")!;
        Assert.Equal(compilation.Diagnostics[0].Position.Line.ToString(), diagnostic.GetAttribute("data-line"));
        Assert.EndsWith("^", diagnostic.QuerySelector("pre")!.TextContent);
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Equal(compilation.ToString(), DisplayRegistry.Render(compilation, DisplayRegistry.PlainText));
    }

    [Fact]
    public void Program_text_with_markup_is_encoded_in_the_listing()
    {
        var program = Program.Compile($"print(\"{Hostile}\")");
        var doc = Parse(DisplayRegistry.Render(program, DisplayRegistry.Html)!);
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Contains(Hostile, doc.Body!.TextContent);
    }
}
