using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Documents;
using JupyterNotebook = Microsoft.DotNet.Interactive.Documents.Jupyter.Notebook;

namespace CourseKit.Runner;

/// <summary>What a notebook cell holds: prose for the reader, code for the kernel, or raw text nobody runs.</summary>
public enum CellKind
{
    /// <summary>Markdown prose, rendered on the site, never executed.</summary>
    Markdown,
    /// <summary>Code sent to the kernel named by <see cref="NotebookCell.KernelName"/>.</summary>
    Code,
    /// <summary>A raw cell: kept as it is, neither rendered nor executed.</summary>
    Raw,
}

/// <summary>One cell of a lesson as stored on disk.</summary>
/// <param name="Number">1-based position among all cells, as a reader scrolling the notebook counts them.</param>
/// <param name="Kind">Markdown, code or raw.</param>
/// <param name="Source">The cell's text.</param>
/// <param name="KernelName">The kernel that runs a code cell ("csharp"); "markdown" for prose.</param>
public sealed record NotebookCell(int Number, CellKind Kind, string Source, string KernelName)
{
    /// <summary>The first non-blank line of the source: how failures point a person at the cell.</summary>
    public string FirstLine =>
        Source.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(empty cell)";
}

/// <summary>
/// A lesson notebook (.ipynb) read from disk. Cells and their kernel names come from .NET Interactive's own
/// parser (<c>Notebook.Parse</c>), so a cell means here exactly what it means in VS Code or Jupyter; the raw
/// JSON is kept so that the executed copy keeps every piece of metadata the author wrote.
/// </summary>
public sealed class NotebookDocument
{
    private readonly JsonObject _json;

    private NotebookDocument(JsonObject json, IReadOnlyList<NotebookCell> cells)
    {
        _json = json;
        Cells = cells;
    }

    /// <summary>The cells in notebook order.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The default kernel for code cells: every lesson is C#.</summary>
    public const string DefaultKernelName = "csharp";

    /// <summary>Reads a notebook file.</summary>
    public static NotebookDocument Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses notebook JSON; <paramref name="origin"/> names it in error messages.</summary>
    public static NotebookDocument Parse(string json, string origin = "notebook")
    {
        var root = JsonNode.Parse(json) as JsonObject
                   ?? throw new InvalidDataException($"{origin}: not a JSON object, so not a notebook");
        var jsonCells = root["cells"] as JsonArray
                        ?? throw new InvalidDataException($"{origin}: no \"cells\" array, so not a notebook");

        var kernels = new KernelInfoCollection
        {
            new KernelInfo(DefaultKernelName, "C#", ["c#", "C#"]),
        };
        kernels.DefaultKernelName = DefaultKernelName;
        var document = JupyterNotebook.Parse(json, kernels);
        if (document.Elements.Count != jsonCells.Count)
        {
            throw new InvalidDataException(
                $"{origin}: .NET Interactive read {document.Elements.Count} cells but the file has {jsonCells.Count}");
        }

        var cells = new List<NotebookCell>(jsonCells.Count);
        for (var i = 0; i < jsonCells.Count; i++)
        {
            var type = jsonCells[i]?["cell_type"]?.GetValue<string>();
            var kind = type switch
            {
                "markdown" => CellKind.Markdown,
                "code" => CellKind.Code,
                _ => CellKind.Raw,
            };
            var element = document.Elements[i];
            var source = kind == CellKind.Code ? element.Contents : SourceText(jsonCells[i]!["source"]);
            cells.Add(new NotebookCell(i + 1, kind, source, element.KernelName ?? DefaultKernelName));
        }

        return new NotebookDocument(root, cells);
    }

    /// <summary>
    /// The notebook as JSON with the given outputs filled in (nbformat 4): what a person would have saved
    /// after Run All. Cells without a result keep no outputs.
    /// </summary>
    public string ToJsonWithOutputs(IReadOnlyList<CellResult> results)
    {
        var copy = (JsonObject)_json.DeepClone();
        var jsonCells = (JsonArray)copy["cells"]!;
        foreach (var result in results)
        {
            var cell = (JsonObject)jsonCells[result.Cell.Number - 1]!;
            if (result.Cell.Kind != CellKind.Code)
            {
                continue;
            }

            cell["execution_count"] = result.ExecutionCount;
            var outputs = new JsonArray();
            foreach (var output in result.Outputs)
            {
                outputs.Add(ToJson(output, result.ExecutionCount));
            }

            cell["outputs"] = outputs;
        }

        return copy.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject ToJson(CellOutput output, int executionCount) => output switch
    {
        DisplayOutput { IsResult: true } d => new JsonObject
        {
            ["output_type"] = "execute_result",
            ["execution_count"] = executionCount,
            ["data"] = DataJson(d),
            ["metadata"] = new JsonObject(),
        },
        DisplayOutput d => new JsonObject
        {
            ["output_type"] = "display_data",
            ["data"] = DataJson(d),
            ["metadata"] = new JsonObject(),
        },
        StreamOutput s => new JsonObject
        {
            ["output_type"] = "stream",
            ["name"] = s.Name,
            ["text"] = s.Text,
        },
        ErrorOutput e => new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = e.Name,
            ["evalue"] = e.Message,
            ["traceback"] = new JsonArray(e.Traceback.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        },
        _ => throw new InvalidOperationException($"bug: unknown output kind {output.GetType().Name}"),
    };

    private static JsonObject DataJson(DisplayOutput output)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in output.Data)
        {
            data[mime] = value;
        }

        return data;
    }

    /// <summary>nbformat stores source as one string or as a list of lines; both mean the concatenation.</summary>
    internal static string SourceText(JsonNode? source) => source switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        _ => source.GetValue<string>(),
    };
}
