namespace CourseKit.Tests.Views;

/// <summary>The notebook Formatter is process-wide state: tests that use it run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FormatterCollection
{
    public const string Name = "Formatter (global state)";
}
