namespace Probabilistic.Core.Data;

/// <summary>A sentence as parallel arrays of words and their tags.</summary>
public sealed record TaggedSentence(string[] Words, string[] Tags)
{
    /// <summary>Number of tokens.</summary>
    public int Length => Words.Length;

    /// <summary>"word/tag word/tag …".</summary>
    public override string ToString() => string.Join(' ', Words.Zip(Tags, (w, t) => $"{w}/{t}"));
}
