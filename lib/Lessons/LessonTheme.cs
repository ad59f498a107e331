using CourseKit.Views;

namespace CourseKit.Lessons;

/// <summary>
/// The few styles the lesson views add to the shared sheet (<see cref="Theme"/>): check badges, flashcards and
/// the program listing. Same rules as the shared sheet: scoped under <c>.ck</c>, colours from its variables,
/// and every state also spelled out in words, so nothing depends on colour alone.
/// </summary>
internal static class LessonTheme
{
    public static readonly StyleSheet Sheet = new(string.Concat(
        ".ck .ck-check-head{display:flex;gap:8px;align-items:baseline;margin-bottom:2px}",
        ".ck .ck-check-badge{font-weight:bold;padding:0 6px;border-radius:3px;border:1px solid var(--ck-line)}",
        ".ck.ck-check-passed{border-left:6px solid #1a7f37}.ck.ck-check-passed .ck-check-badge{color:#fff;background:#1a7f37}",
        ".ck.ck-check-failed{border-left:6px solid #cf222e}.ck.ck-check-failed .ck-check-badge{color:#fff;background:#cf222e}",
        ".ck.ck-check-not-done{border-left:6px dashed var(--ck-muted)}.ck.ck-check-not-done .ck-check-badge{color:var(--ck-muted)}",
        ".ck .ck-check-hint{margin-top:4px;padding:4px 6px;background:var(--ck-panel);border-radius:4px}",
        ".ck .ck-pre{white-space:pre-wrap}",
        ".ck details.ck-card{border:1px solid var(--ck-line);border-radius:4px;margin:4px 0;padding:4px 8px;background:var(--ck-panel)}",
        ".ck details.ck-card summary{cursor:pointer;font-weight:bold}",
        ".ck details.ck-card .ck-card-answer{margin-top:6px;padding-top:4px;border-top:1px solid var(--ck-line)}",
        ".ck .ck-listing td{border:none;padding:0 6px}",
        ".ck .ck-listing tr.ck-here td{background:var(--ck-panel)}",
        ".ck .ck-out{margin:2px 0;padding:4px 6px;background:var(--ck-panel);border:1px solid var(--ck-line);border-radius:4px;white-space:pre-wrap;font-family:ui-monospace,monospace;min-height:1em}"));
}
