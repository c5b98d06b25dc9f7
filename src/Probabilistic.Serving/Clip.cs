namespace Probabilistic.Serving;

/// <summary>Client-supplied text shortened for messages, so a hostile name cannot fill a response or the log.</summary>
internal static class Clip
{
    /// <summary>At most <paramref name="max"/> characters of <paramref name="text"/>, with an ellipsis when cut.</summary>
    public static string Of(string text, int max = 60) => text.Length <= max ? text : text[..max] + "…";
}
