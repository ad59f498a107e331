namespace CourseKit.Display;

/// <summary>
/// The formatter source named by <see cref="TypeFormatterSourceAttribute"/> on the library's types.
/// .NET Interactive creates it with its public parameterless constructor and calls
/// <see cref="CreateTypeFormatters"/> by name; each returned object is used through its public
/// <c>MimeType</c>, <c>Type</c> and <c>Format(object, TextWriter)</c> members (duck typing, no interface).
/// </summary>
/// <remarks>The source cannot know which type asked for it, so it answers with a formatter per registered type
/// and MIME type; every formatter looks the renderer up again when it runs.</remarks>
public sealed class DisplaySource
{
    /// <summary>One formatter per registered (type, MIME type) pair.</summary>
    public IEnumerable<DisplayFormatter> CreateTypeFormatters() =>
        DisplayRegistry.RegisteredTypes
            .SelectMany(type => new[] { new DisplayFormatter(type, DisplayRegistry.Html), new DisplayFormatter(type, DisplayRegistry.PlainText) })
            .ToArray();
}

/// <summary>A formatter in the shape .NET Interactive expects (matched by member names).</summary>
public sealed class DisplayFormatter(Type type, string mimeType)
{
    /// <summary>The type this formatter draws (derived types included).</summary>
    public Type Type { get; } = type;

    /// <summary>The MIME type it writes.</summary>
    public string MimeType { get; } = mimeType;

    /// <summary>Writes the value's view; false when no renderer knows the value (the notebook then falls back).</summary>
    public bool Format(object value, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null || !DisplayRegistry.TryRender(value, MimeType, out var rendered)) return false;
        writer.Write(rendered);
        return true;
    }
}
