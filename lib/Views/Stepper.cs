using System.Reflection;
using System.Text;
using CourseKit.Display;

namespace CourseKit.Views;

/// <summary>
/// Shows a simulation one step at a time. In a live notebook the stepper draws its current frame once and
/// redraws that same output in place at every <see cref="Step"/> (display, then update); every frame is also
/// kept, so <see cref="Filmstrip"/> gives the whole sequence as one static output for hosts that keep only the
/// first output, saved notebooks and the offline site.
/// </summary>
/// <remarks>
/// <para>The library references no notebook package, so the in-place update is duck-typed. Either call
/// <see cref="Display"/>, which finds .NET Interactive's <c>Kernel.display</c> helper by reflection when the
/// kernel has loaded it; or display the frame yourself and hand the result over:
/// <c>stepper.Bind(display(stepper.Current))</c>. Any object with a public <c>Update(object)</c> method works
/// (.NET Interactive's DisplayedValue has one). Outside a notebook both are harmless: frames are still recorded.</para>
/// <code>
/// var stepper = new Stepper(() => m.Process(pid).Snapshot(), "before fork");
/// stepper.Display();
/// var child = m.Fork(pid).Value; stepper.Step("after fork: every page shared, read-only");
/// m.WriteWord(child, heap, 42);  stepper.Step("child wrote: one page copied");
/// stepper.Filmstrip()   // last cell line: the static form
/// </code>
/// </remarks>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Stepper
{
    private readonly Func<object> capture;
    private readonly List<StepFrame> frames = [];
    private object? displayed;

    /// <summary>Starts a stepper and records frame 0.</summary>
    /// <param name="capture">What to draw at each step, usually a snapshot: <c>() =&gt; m.Snapshot()</c>.
    /// It is called once per step; the value it returns must draw itself (or is shown as text).</param>
    /// <param name="caption">Caption of the first frame.</param>
    public Stepper(Func<object> capture, string caption = "start")
    {
        this.capture = capture ?? throw new ArgumentNullException(nameof(capture));
        frames.Add(new StepFrame(0, caption, capture()));
    }

    /// <summary>Every frame recorded so far, in order.</summary>
    public IReadOnlyList<StepFrame> Frames => frames;

    /// <summary>The latest frame.</summary>
    public StepFrame Current => frames[^1];

    /// <summary>True when a notebook output is bound and steps redraw it in place.</summary>
    public bool IsLive => displayed is not null;

    /// <summary>Records a new frame (captures the state now) and redraws the bound output in place.</summary>
    public void Step(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        frames.Add(new StepFrame(frames.Count, caption, capture()));
        if (displayed is not null) UpdateMethod(displayed)?.Invoke(displayed, [Current]);
    }

    /// <summary>Displays the current frame through the notebook kernel's <c>display</c> helper, when the host
    /// has one, and binds that output for in-place updates. Returns the stepper (not drawn again).</summary>
    public Stepper Display()
    {
        var interactive = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => a.GetName().Name == "Microsoft.DotNet.Interactive");
        // A kernel is running a cell only when there is a current invocation context; the assembly alone can be
        // loaded in a process that runs no cell (a test host that also runs lessons in-process, say).
        var running = interactive?.GetType("Microsoft.DotNet.Interactive.KernelInvocationContext")
            ?.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is not null;
        var helper = running
            ? interactive!.GetType("Microsoft.DotNet.Interactive.Kernel")
                ?.GetMethod("display", BindingFlags.Public | BindingFlags.Static, [typeof(object), typeof(string[])])
            : null;
        if (helper?.Invoke(null, [Current, Array.Empty<string>()]) is { } output) Bind(output);
        return this;
    }

    /// <summary>Binds an output the lesson displayed itself (for example <c>display(stepper.Current)</c> in
    /// .NET Interactive); later steps call its <c>Update(object)</c>.</summary>
    public Stepper Bind(object displayedValue)
    {
        ArgumentNullException.ThrowIfNull(displayedValue);
        if (UpdateMethod(displayedValue) is null)
            throw new ArgumentException($"{displayedValue.GetType().Name} has no public Update(object) method, so it cannot be redrawn in place.", nameof(displayedValue));
        displayed = displayedValue;
        return this;
    }

    /// <summary>The static form: every frame side by side in one output (long runs keep the first and last frames).</summary>
    public Filmstrip Filmstrip() => new(frames.ToArray());

    /// <inheritdoc />
    public override string ToString() => Current.ToString();

    private static MethodInfo? UpdateMethod(object target) =>
        target.GetType().GetMethod("Update", BindingFlags.Public | BindingFlags.Instance, [typeof(object)]);

    internal static string Html(Stepper s) => StepFrame.Html(s.Current, s.frames.Count);
}

/// <summary>One frame of a <see cref="Stepper"/>: its number, what just happened, and the state drawn then.</summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record StepFrame(int Number, string Caption, object View)
{
    /// <inheritdoc />
    public override string ToString() => $"step {Number}: {Caption}\n{DisplayRegistry.Render(View, DisplayRegistry.PlainText) ?? View.ToString()}";

    internal static string Html(StepFrame f, int? of = null)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-step"), ("data-step", f.Number)))
        {
            html.Style(Theme.Sheet);
            CaptionHtml(html, f, of);
            Body(html, f);
        }
        return html.ToString();
    }

    internal static void CaptionHtml(HtmlWriter html, StepFrame f, int? of) =>
        html.Element("h4", $"step {f.Number}{(of is { } n ? $" of {n - 1}" : "")}: {f.Caption}", ("class", "ck-caption"));

    /// <summary>The frame's view, its own copy of the shared style sheet removed (the container has one).</summary>
    internal static void Body(HtmlWriter html, StepFrame f)
    {
        if (DisplayRegistry.Render(f.View, DisplayRegistry.Html) is { } inner)
            html.TrustedFragment(new HtmlFragment(Theme.WithoutSheet(inner)));
        else
            html.Element("pre", f.View.ToString());
    }
}

/// <summary>The static form of a <see cref="Stepper"/>: small frames in one output, no script.</summary>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Filmstrip(IReadOnlyList<StepFrame> frames)
{
    /// <summary>At most this many frames are drawn; the first and last ones are kept.</summary>
    public const int FrameBudget = 40;

    /// <summary>The frames, in order.</summary>
    public IReadOnlyList<StepFrame> Frames { get; } = frames;

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var slot in Collapse.Plan(Frames.Count, FrameBudget))
        {
            if (slot.IsCollapsed) text.AppendLine($"... {slot.Count} steps not shown ...").AppendLine();
            else text.AppendLine(Frames[slot.Index].ToString()).AppendLine();
        }
        return text.ToString().TrimEnd();
    }

    internal static string Html(Filmstrip strip)
    {
        var html = new HtmlWriter();
        using (html.Open("div", ("class", "ck ck-filmstrip"), ("data-steps", strip.Frames.Count)))
        {
            html.Style(Theme.Sheet);
            foreach (var slot in Collapse.Plan(strip.Frames.Count, FrameBudget))
            {
                if (slot.IsCollapsed)
                {
                    html.Element("div", $"… {slot.Count} steps not shown", ("class", "ck-frame ck-muted ck-collapsed"), ("data-steps", slot.Count));
                    continue;
                }
                var f = strip.Frames[slot.Index];
                using (html.Open("div", ("class", "ck-frame"), ("data-step", f.Number)))
                {
                    StepFrame.CaptionHtml(html, f, strip.Frames.Count);
                    StepFrame.Body(html, f);
                }
            }
        }
        return html.ToString();
    }
}
