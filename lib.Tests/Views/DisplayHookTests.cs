using CourseKit.Display;
using Microsoft.DotNet.Interactive.Formatting;
// The library's own attribute (matched by name), not the notebook package's one.
using CourseKitFormatterSource = CourseKit.Display.TypeFormatterSourceAttribute;

namespace CourseKit.Tests.Views;

[CourseKitFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public record HookProbe(string Name);

public sealed record DerivedHookProbe(string Name, int Extra) : HookProbe(Name);

[CourseKitFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record UnregisteredProbe(string Name);

/// <summary>The convention-based hook, exercised through the real .NET Interactive Formatter.</summary>
[Collection(FormatterCollection.Name)]
public sealed class DisplayHookTests
{
    static DisplayHookTests() =>
        DisplayRegistry.Register<HookProbe>(p => $"<b class=\"probe\">{System.Net.WebUtility.HtmlEncode(p.Name)}</b>", p => $"probe {p.Name}");

    [Fact]
    public void Formatter_finds_the_renderer_through_the_attribute_matched_by_name()
    {
        Formatter.ResetToDefault();
        var probe = new HookProbe("x<y");
        Assert.Equal("<b class=\"probe\">x&lt;y</b>", probe.ToDisplayString("text/html"));
        Assert.Equal("probe x<y", probe.ToDisplayString("text/plain"));
    }

    [Fact]
    public void A_derived_type_inherits_the_attribute_and_the_renderer()
    {
        Formatter.ResetToDefault();
        Assert.Equal("<b class=\"probe\">d</b>", new DerivedHookProbe("d", 1).ToDisplayString("text/html"));
    }

    [Fact]
    public void Preferred_mime_types_come_from_the_attribute()
    {
        Formatter.ResetToDefault();
        Assert.Equal(new[] { "text/html", "text/plain" }, Formatter.GetPreferredMimeTypesFor(typeof(HookProbe)));
    }

    [Fact]
    public void The_hook_survives_a_formatter_reset()
    {
        Formatter.ResetToDefault();
        _ = new HookProbe("a").ToDisplayString("text/html");
        Formatter.ResetToDefault();
        Assert.Contains("class=\"probe\"", new HookProbe("b").ToDisplayString("text/html"));
    }

    [Fact]
    public void A_type_without_a_renderer_falls_back_to_the_default_view()
    {
        Formatter.ResetToDefault();
        var html = new UnregisteredProbe("plain").ToDisplayString("text/html");
        Assert.DoesNotContain("class=\"probe\"", html);
        Assert.Contains("plain", html);
    }

    [Fact]
    public void Registry_walks_base_types_and_reports_unknown_values()
    {
        Assert.True(DisplayRegistry.TryRender(new HookProbe("n"), DisplayRegistry.PlainText, out var text));
        Assert.Equal("probe n", text);
        Assert.Null(DisplayRegistry.Render(new object(), DisplayRegistry.Html));
    }
}
