namespace CourseKit.Views;

/// <summary>
/// The style sheet every view carries inline (no external resource, no script). Colours come from CSS
/// variables switched three ways, so the view reads well in light and dark themes wherever it lands:
/// the OS preference (prefers-color-scheme), VS Code's body classes (vscode-light / vscode-dark /
/// vscode-high-contrast) and JupyterLab's data-jp-theme-light attribute. Page states get a colour AND a
/// pattern AND a letter, so they survive colour blindness and grey-scale printing.
/// </summary>
internal static class Theme
{
    private const string Light = "--ck-fg:#1f2328;--ck-bg:#ffffff;--ck-muted:#59636e;--ck-line:#d1d9e0;--ck-panel:#f6f8fa;--ck-accent:#cf222e;";
    private const string Dark = "--ck-fg:#e6edf3;--ck-bg:#0d1117;--ck-muted:#9198a1;--ck-line:#3d444d;--ck-panel:#151b23;--ck-accent:#ff7b72;";

    /// <summary>The shared sheet (about 3 KB), scoped under the <c>.ck</c> class so it never styles the host page.</summary>
    public static readonly StyleSheet Sheet = new(string.Concat(
        ".ck{", Light, "color:var(--ck-fg);background:var(--ck-bg);font:12px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;",
        "padding:8px;border:1px solid var(--ck-line);border-radius:6px;max-width:100%;overflow-x:auto;box-sizing:border-box}",
        "@media (prefers-color-scheme:dark){.ck{", Dark, "}}",
        "body.vscode-light .ck,body.vscode-high-contrast-light .ck,body[data-jp-theme-light=true] .ck{", Light, "}",
        "body.vscode-dark .ck,body.vscode-high-contrast:not(.vscode-high-contrast-light) .ck,body[data-jp-theme-light=false] .ck{", Dark, "}",
        ".ck h4{margin:0 0 6px;font-size:13px}",
        ".ck .ck-muted{color:var(--ck-muted)}",
        ".ck code,.ck .ck-mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}",
        ".ck table{border-collapse:collapse;margin:4px 0}",
        ".ck th,.ck td{border:1px solid var(--ck-line);padding:2px 6px;text-align:left;vertical-align:top}",
        ".ck th{background:var(--ck-panel)}",
        ".ck td.ck-num,.ck th.ck-num{text-align:right;font-variant-numeric:tabular-nums}",
        ".ck .ck-legend{display:flex;flex-wrap:wrap;gap:4px 12px;margin-top:6px;padding-top:4px;border-top:1px solid var(--ck-line)}",
        ".ck .ck-legend-item{display:inline-flex;align-items:center;gap:4px}",
        ".ck .ck-swatch{display:inline-block;min-width:16px;height:14px;border:1px solid var(--ck-fg);border-radius:2px;text-align:center;font:bold 10px/14px ui-monospace,monospace}",
        ".ck .ck-row{display:flex;gap:12px;align-items:flex-start;flex-wrap:wrap}",
        ".ck .ck-seg{border:1px solid var(--ck-line);border-radius:4px;margin:2px 0;padding:2px 4px;background:var(--ck-panel)}",
        ".ck .ck-seg-head{display:flex;justify-content:space-between;gap:12px}",
        ".ck .ck-run{display:flex;align-items:center;gap:6px;margin:1px 0}",
        ".ck .ck-run .ck-swatch{min-width:22px}",
        ".ck .ck-gap{border:1px dashed var(--ck-line);border-radius:4px;margin:2px 0;padding:6px 4px;text-align:center;color:var(--ck-muted)}",
        ".ck .ck-pc{color:var(--ck-accent);font-weight:bold}",
        ".ck .ck-bad{color:var(--ck-accent);font-weight:bold}",
        ".ck tr.ck-current td{outline:2px solid var(--ck-accent)}",
        ".ck .ck-frame{display:inline-block;vertical-align:top;margin:4px;padding:4px;border:1px solid var(--ck-line);border-radius:4px}",
        ".ck svg text{fill:var(--ck-fg);font:11px ui-monospace,monospace}",
        ".ck svg .ck-link{stroke:var(--ck-muted);stroke-width:1.2;fill:none}",
        ".ck svg .ck-box{stroke:var(--ck-fg);stroke-width:.6}",
        // Page states: colour + pattern (+ the letter written on each run by the views).
        ".ck .ck-s-private{background:#0072B2;color:#fff}",
        ".ck .ck-s-cow{background:repeating-linear-gradient(45deg,#E69F00 0 4px,#F6D38A 4px 7px);color:#000}",
        ".ck .ck-s-vm{background:radial-gradient(circle,#ffffffaa 1.4px,transparent 1.8px) 0 0/6px 6px,#009E73;color:#fff}",
        ".ck .ck-s-code{background:repeating-linear-gradient(0deg,#CC79A7 0 3px,#E8B9D3 3px 5px);color:#000}",
        ".ck .ck-s-absent{background:transparent;border-style:dashed;color:var(--ck-muted)}",
        ".ck .ck-s-free{background:transparent;border-style:dotted;color:var(--ck-muted)}",
        // The same states in SVG (fill instead of background); the letter drawn on each box is the second cue.
        ".ck svg .ck-s-private{fill:#0072B2}.ck svg .ck-s-cow{fill:#E69F00}.ck svg .ck-s-vm{fill:#009E73}.ck svg .ck-s-code{fill:#CC79A7}",
        ".ck svg .ck-s-absent,.ck svg .ck-s-free{fill:transparent;stroke:var(--ck-muted);stroke-dasharray:3 2}",
        ".ck svg text.ck-on-s-private,.ck svg text.ck-on-s-vm{fill:#fff}.ck svg text.ck-on-s-cow,.ck svg text.ck-on-s-code{fill:#000}",
        ".ck svg text.ck-on-s-absent,.ck svg text.ck-on-s-free{fill:var(--ck-muted)}",
        ".ck svg text.ck-head{font-weight:bold;font-family:system-ui,sans-serif}",
        ".ck .ck-p-running{color:#0072B2}.ck .ck-p-waiting{color:#E69F00}.ck .ck-p-zombie{color:#D55E00}"));

    /// <summary>Removes the shared sheet from a view that is embedded in another one (which carries it once).</summary>
    public static string WithoutSheet(string html) => html.Replace("<style>" + Sheet.Css + "</style>", "", StringComparison.Ordinal);
}
