using CourseKit.Display;
using CourseKit.Views;
using Microsoft.DotNet.Interactive.Formatting;
using static CourseKit.Tests.Views.ProcessImageViewTests;

namespace CourseKit.Tests.Views;

[Collection(FormatterCollection.Name)]
public sealed class StepperTests
{
    private sealed record Counter(int N);

    private sealed record Image(ProcessDiagram Diagram);

    static StepperTests()
    {
        DisplayRegistry.Register<Counter>(c => $"<b class=\"counter\">{c.N}</b>", c => $"counter {c.N}");
        DisplayRegistry.Register<Image>(i => ProcessImageView.Html(i.Diagram), i => ProcessImageView.Text(i.Diagram));
    }

    [Fact]
    public void Steps_record_frames_and_the_current_one_draws_itself()
    {
        var n = 0;
        var stepper = new Stepper(() => new Counter(n), "before");
        n = 5;
        stepper.Step("after <write>");
        Assert.Equal(2, stepper.Frames.Count);
        var doc = Parse(DisplayRegistry.Render(stepper, DisplayRegistry.Html)!);
        Assert.Equal("step 1 of 1: after <write>", doc.QuerySelector("h4")!.TextContent);
        Assert.Equal("5", doc.QuerySelector("b.counter")!.TextContent);
        Assert.Equal("step 1: after <write>\ncounter 5", stepper.ToString());
    }

    [Fact]
    public void Bound_output_is_updated_in_place_with_the_new_frame()
    {
        Formatter.ResetToDefault();
        var n = 0;
        var stepper = new Stepper(() => new Counter(n));
        var displayed = new DisplayedValue(stepper.Current, FormattedValue.CreateManyFromObject(stepper.Current, "text/html"));
        stepper.Bind(displayed);
        n = 7;
        stepper.Step("seven");
        Assert.True(stepper.IsLive);
        Assert.True(displayed.IsUpdated);
        Assert.Same(stepper.Current, displayed.Value);
        Assert.Contains("<b class=\"counter\">7</b>", displayed.FormattedValues.Single().Value);
    }

    [Fact]
    public void Display_without_a_kernel_is_harmless_and_binding_needs_an_update_method()
    {
        // Outside any cell: run on a fresh execution context, so no kernel invocation context can flow in from
        // a lesson that an earlier test ran in-process (KernelInvocationContext.Current is an AsyncLocal).
        Stepper? stepper = null;
        var outside = new Thread(() => stepper = new Stepper(() => new Counter(1)).Display());
        using (ExecutionContext.SuppressFlow()) outside.Start();
        outside.Join();
        Assert.NotNull(stepper);
        Assert.False(stepper.IsLive);
        var e = Assert.Throws<ArgumentException>(() => stepper.Bind(new object()));
        Assert.Contains("no public Update(object) method", e.Message);
    }

    [Fact]
    public void Filmstrip_holds_every_frame_with_one_style_sheet_and_no_script()
    {
        var n = 0;
        var stepper = new Stepper(() => new Image(Sample()), "start");
        for (n = 1; n <= 3; n++) stepper.Step($"step {n}");
        var html = DisplayRegistry.Render(stepper.Filmstrip(), DisplayRegistry.Html)!;
        var doc = Parse(html);
        Assert.Equal(4, doc.QuerySelectorAll(".ck-frame").Length);
        Assert.Equal(4, doc.QuerySelectorAll(".ck-frame .ck-image").Length);
        Assert.Single(doc.QuerySelectorAll("style"));
        Assert.Empty(doc.QuerySelectorAll("script"));
    }

    [Fact]
    public void Long_filmstrips_keep_first_and_last_frames()
    {
        var n = 0;
        var stepper = new Stepper(() => new Counter(n));
        for (n = 1; n < 100; n++) stepper.Step($"s{n}");
        var doc = Parse(DisplayRegistry.Render(stepper.Filmstrip(), DisplayRegistry.Html)!);
        var steps = doc.QuerySelectorAll(".ck-frame[data-step]").Select(f => int.Parse(f.GetAttribute("data-step")!)).ToArray();
        Assert.Equal(0, steps[0]);
        Assert.Equal(99, steps[^1]);
        Assert.True(steps.Length <= Filmstrip.FrameBudget);
        Assert.Equal(100 - steps.Length, doc.QuerySelectorAll(".ck-collapsed").Sum(c => int.Parse(c.GetAttribute("data-steps")!)));
    }
}
