namespace CourseKit.Display;

/// <summary>
/// Names the formatter source that draws a type in a notebook. .NET Interactive's <c>Formatter</c> matches an
/// attribute by its NAME (<c>TypeFormatterSourceAttribute</c>) and reads <see cref="FormatterSourceType"/> and
/// <see cref="PreferredMimeTypes"/> by reflection, so the library declares its own copy and references no
/// notebook package: a plain <c>#r "CourseKit.dll"</c> is enough for values to draw themselves, and the
/// simulation outlives the (archived) notebook platform.
/// </summary>
/// <remarks>Internal on purpose: notebooks import Microsoft.DotNet.Interactive.Formatting, whose public
/// attribute has the same name; a public copy here would make that name ambiguous in lesson cells.</remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Interface, Inherited = true, AllowMultiple = false)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The type whose public <c>CreateTypeFormatters()</c> returns the formatters (read by name).</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>MIME types the notebook asks for when it shows a value of the type, best first.</summary>
    public string[]? PreferredMimeTypes { get; set; }
}
