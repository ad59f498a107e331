using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace CourseKit.Tests.Course;

/// <summary>
/// No Docker engine runs on the build machines, so the dev container is checked here: the file is valid
/// against the published schema, and it has what the course needs.
/// </summary>
public sealed class DevContainerTests
{
    private static readonly string DevContainerFolder = Path.Combine(CourseFolders.Root, ".devcontainer");

    /// <summary>
    /// Built once (the schema library keeps a registry of schemas by id). The published schema uses VS Code's
    /// editor keywords (deprecationMessage, allowComments...), so the draft 2019-09 dialect is told to accept
    /// unknown keywords as annotations, as the specification says validators should.
    /// </summary>
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var dialect = Dialect.Draft201909.With([], id: new Uri("https://json-schema.org/draft/2019-09/schema"), allowUnknownKeywords: true);
        var dialects = new DialectRegistry();
        dialects.Register(dialect);
        var options = new BuildOptions { Dialect = dialect, DialectRegistry = dialects, SchemaRegistry = new SchemaRegistry() };
        return JsonSchema.FromFile(Path.Combine(CourseFolders.Fixtures, "devContainer.base.schema.json"), options);
    });

    private static string DevContainerText => File.ReadAllText(Path.Combine(DevContainerFolder, "devcontainer.json"));

    [Fact]
    public void Devcontainer_json_is_valid_against_the_dev_container_schema()
    {
        var results = Validate(DevContainerText);

        Assert.True(results.IsValid, Describe(results));
    }

    [Fact]
    public void The_schema_check_rejects_a_misspelt_key()
    {
        var misspelt = DevContainerText.Replace("\"postCreateCommand\"", "\"postCreateComand\"", StringComparison.Ordinal);

        Assert.NotEqual(DevContainerText, misspelt);
        Assert.False(Validate(misspelt).IsValid);
    }

    [Fact]
    public void Devcontainer_uses_the_net10_image_and_the_notebook_extensions()
    {
        var config = Parse(DevContainerText);

        Assert.Equal("mcr.microsoft.com/devcontainers/dotnet:1-10.0", config["image"]?.GetValue<string>());
        var extensions = config["customizations"]?["vscode"]?["extensions"]?.AsArray().Select(e => e!.GetValue<string>()).ToList() ?? [];
        Assert.Contains("ms-dotnettools.dotnet-interactive-vscode", extensions);
        Assert.Contains("ms-toolsai.jupyter", extensions);
        Assert.Contains("ms-dotnettools.csdevkit", extensions);
    }

    [Fact]
    public void Devcontainer_allows_ptrace_for_strace()
    {
        var config = Parse(DevContainerText);

        Assert.Contains("SYS_PTRACE", config["capAdd"]?.AsArray().Select(c => c!.GetValue<string>()) ?? []);
    }

    [Fact]
    public void Post_create_installs_strace_and_gcc_restores_tools_registers_the_kernel_and_builds()
    {
        var config = Parse(DevContainerText);
        Assert.Equal("bash .devcontainer/post-create.sh", config["postCreateCommand"]?.GetValue<string>());

        var commands = File.ReadAllLines(Path.Combine(DevContainerFolder, "post-create.sh"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        int IndexOf(string command) => commands.FindIndex(l => l.Contains(command, StringComparison.Ordinal));

        var install = commands.ElementAtOrDefault(IndexOf("apt-get install")) ?? "";
        Assert.Contains(" strace", install);
        Assert.Contains(" gcc", install);
        var restore = IndexOf("dotnet tool restore");
        var kernel = IndexOf("dotnet interactive jupyter install");
        var build = IndexOf("dotnet build CourseKit.sln");
        Assert.True(restore >= 0 && kernel > restore && build > kernel,
            "post-create.sh must restore the tools, then register the Jupyter kernel, then build");
    }

    private static JsonNode Parse(string jsonc) =>
        JsonNode.Parse(jsonc, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;

    private static EvaluationResults Validate(string jsonc)
    {
        using var document = JsonDocument.Parse(jsonc, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));
}
