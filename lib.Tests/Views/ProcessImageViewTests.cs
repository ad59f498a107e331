using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CourseKit.Views;

namespace CourseKit.Tests.Views;

public sealed class ProcessImageViewTests
{
    internal const string Hostile = "<img src=x onerror=alert(1)>";
    private const int Page = 4096;

    internal static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    internal static ProcessDiagram Sample(string command = "sh") => new(42, command, "running", Page,
        [
            new SegmentDiagram("code", 0x400000, 0x402000, "r-x", [new PageSpan(0x400, 2, PageState.SharedCode, 10, 2, false)]),
            new SegmentDiagram("data", 0x402000, 0x403000, "rw-", [new PageSpan(0x402, 1, PageState.SharedCopyOnWrite, 12, 2, true)]),
            new SegmentDiagram("heap", 0x403000, 0x406000, "rw-",
                [new PageSpan(0x403, 1, PageState.Private, 20, 1, true), new PageSpan(0x404, 2, PageState.NotPresent, null, 0, false)]),
            new SegmentDiagram("stack", 0x7ffd0000, 0x7ffd2000, "rw-", [new PageSpan(0x7ffd0, 2, PageState.SharedVm, 30, 1, true)]),
        ],
        [new ThreadDiagram(42, "running", 7), new ThreadDiagram(43, "blocked", null)]);

    [Fact]
    public void Segments_are_drawn_from_high_addresses_to_low_with_the_gap()
    {
        var doc = Parse(ProcessImageView.Html(Sample()));
        var kinds = doc.QuerySelectorAll(".ck-seg").Select(s => s.GetAttribute("data-kind")).ToArray();
        Assert.Equal(new[] { "stack", "heap", "data", "code" }, kinds);
        var gap = doc.QuerySelector(".ck-gap")!;
        Assert.Same(doc.QuerySelector(".ck-seg[data-kind=stack]")!.NextElementSibling, gap);
        Assert.Contains("unmapped gap", gap.TextContent);
    }

    [Fact]
    public void Runs_carry_state_colour_class_letter_pages_and_frames()
    {
        var doc = Parse(ProcessImageView.Html(Sample()));
        var heapRuns = doc.QuerySelectorAll(".ck-seg[data-kind=heap] .ck-run");
        Assert.Equal(new[] { "absent", "private" }, heapRuns.Select(r => r.GetAttribute("data-state"))); // high page first
        Assert.Equal(new[] { "2", "1" }, heapRuns.Select(r => r.GetAttribute("data-pages")));
        Assert.Equal("-", heapRuns[0].QuerySelector(".ck-swatch")!.TextContent);
        Assert.Contains("ck-s-private", heapRuns[1].QuerySelector(".ck-swatch")!.ClassName);
        Assert.Contains("frame 20 · map count 1", heapRuns[1].TextContent);
        Assert.Contains("frames 10–11 · map count 2", doc.QuerySelector(".ck-seg[data-kind=code] .ck-run")!.TextContent);
    }

    [Fact]
    public void Program_counters_are_marked_on_the_code_and_threads_are_listed()
    {
        var doc = Parse(ProcessImageView.Html(Sample(), highlight: [0x403010]));
        var pcs = doc.QuerySelectorAll(".ck-pc[data-mark=pc]");
        Assert.Single(pcs);
        Assert.Equal("code", pcs[0].Closest(".ck-seg")!.GetAttribute("data-kind"));
        Assert.Equal("◀ PC of tid 42: instruction 7", pcs[0].TextContent);
        var marked = doc.QuerySelector(".ck-pc[data-mark=highlight]")!;
        Assert.Equal("private", marked.Closest(".ck-run")!.GetAttribute("data-state"));
        Assert.Equal(new[] { "42", "43" }, doc.QuerySelectorAll(".ck-thread").Select(t => t.GetAttribute("data-tid")));
    }

    [Fact]
    public void Legend_names_every_state_with_its_letter()
    {
        var legend = Parse(ProcessImageView.Html(Sample())).QuerySelector(".ck-legend")!;
        var items = legend.QuerySelectorAll(".ck-legend-item").Select(i => i.TextContent).ToArray();
        Assert.Contains("Pprivate", items);
        Assert.Contains("Cshared copy-on-write", items);
        Assert.Contains("Vshared address space (CLONE_VM)", items);
        Assert.Contains("Rread-only code, shared", items);
        Assert.Contains("-not present", items);
    }

    [Fact]
    public void View_is_self_contained_without_script_or_external_resources()
    {
        var html = ProcessImageView.Html(Sample());
        var doc = Parse(html);
        Assert.Empty(doc.QuerySelectorAll("script, link, img, iframe, object"));
        Assert.DoesNotContain("url(", html);
        Assert.Contains("prefers-color-scheme:dark", doc.QuerySelector("style")!.TextContent);
        Assert.Contains("body.vscode-dark", doc.QuerySelector("style")!.TextContent);
    }

    [Fact]
    public void Hostile_command_shows_as_text()
    {
        var html = ProcessImageView.Html(Sample(Hostile));
        var doc = Parse(html);
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Equal(Hostile, doc.QuerySelector("h4 code")!.TextContent);
        Assert.Contains(Hostile, ProcessImageView.Text(Sample(Hostile)));
    }

    [Fact]
    public void A_million_alternating_pages_render_within_64_KB_with_the_marked_page_kept()
    {
        const int pages = 1_000_000;
        var runs = new PageSpan[pages];
        for (var i = 0; i < pages; i++)
            runs[i] = new PageSpan(0x10000UL + (ulong)i, 1, i % 2 == 0 ? PageState.Private : PageState.SharedCopyOnWrite, 100 + i, i % 2 == 0 ? 1 : 2, true);
        var markedPage = 0x10000UL + 500_001;
        var p = new ProcessDiagram(7, "big", "running", Page,
            [new SegmentDiagram("heap", 0x10000UL * Page, (0x10000UL + pages) * Page, "rw-", runs)],
            [new ThreadDiagram(7, "running", 3)]);
        var html = ProcessImageView.Html(p, highlight: [markedPage * Page + 8]);
        Assert.True(html.Length < 64 * 1024, $"{html.Length} bytes");
        var doc = Parse(html);
        var collapsed = doc.QuerySelectorAll(".ck-collapsed");
        Assert.NotEmpty(collapsed);
        var shown = doc.QuerySelectorAll(".ck-run:not(.ck-collapsed)").Sum(r => long.Parse(r.GetAttribute("data-pages")!));
        var hidden = collapsed.Sum(r => long.Parse(r.GetAttribute("data-pages")!));
        Assert.Equal(pages, shown + hidden); // every page is accounted for
        var mark = doc.QuerySelector(".ck-pc[data-mark=highlight]")!;
        Assert.Equal(markedPage.ToString(), mark.Closest(".ck-run")!.GetAttribute("data-first-page"));
        Assert.True(ProcessImageView.Text(p).Length < 16 * 1024);
    }

    [Fact]
    public void Text_form_reads_top_down_with_letters_and_legend()
    {
        var lines = ProcessImageView.Text(Sample()).ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("pid 42 (sh) running", lines[0]);
        Assert.Equal("  tid 42 running, PC at instruction 7", lines[1]);
        Assert.StartsWith("  stack  0x7ffd_0000-0x7ffd_2000 rw-", lines[3]);
        Assert.Equal("    [V] 0x7ffd_0000-0x7ffd_2000 2 pages · shared address space (CLONE_VM) · frames 30–31 · map count 1 · dirty", lines[4]);
        Assert.StartsWith("  ~ unmapped gap", lines[5]);
        Assert.Equal("    <- PC of tid 42: instruction 7", lines[Array.FindIndex(lines, l => l.StartsWith("  code"))+1]);
        Assert.StartsWith("Legend: [P] private", lines[^1]);
    }
}
