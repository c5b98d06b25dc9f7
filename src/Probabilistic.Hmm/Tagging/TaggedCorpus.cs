using Probabilistic.Core.Data;

namespace Probabilistic.Hmm.Tagging;

/// <summary>Layouts of tagged text.</summary>
public enum CorpusFormat
{
    /// <summary>Brown corpus files: one sentence per non-blank line of <c>word/tag</c> tokens (split at the last '/').</summary>
    Brown,

    /// <summary>One token per line, word first and tag last (or CoNLL-U FORM/UPOS), a blank line between sentences.</summary>
    Conll,

    /// <summary>The Brown layout for any tag set: one sentence per line of <c>word/tag</c> tokens.</summary>
    WordTag,
}

/// <summary>Reads tagged files and maps their tags into a tag set, streaming sentence by sentence.</summary>
public static class TaggedCorpus
{
    /// <summary>Sentences of <paramref name="path"/> with tags mapped by <paramref name="mapping"/>.</summary>
    public static IEnumerable<TaggedSentence> Read(string path, CorpusFormat format, TagMapping mapping)
    {
        var raw = format == CorpusFormat.Conll ? TaggedCorpusReader.ReadConll(path) : TaggedCorpusReader.ReadWordTag(path);
        return Map(raw, mapping, path);
    }

    /// <summary>Sentences from a reader (<paramref name="name"/> names it in errors).</summary>
    public static IEnumerable<TaggedSentence> Read(TextReader reader, string name, CorpusFormat format, TagMapping mapping)
    {
        var raw = format == CorpusFormat.Conll ? TaggedCorpusReader.ReadConll(reader, name) : TaggedCorpusReader.ReadWordTag(reader, name);
        return Map(raw, mapping, name);
    }

    /// <summary>Sentences of several files, in order; files that hold no sentence at all are refused, naming them.</summary>
    /// <exception cref="DataFormatException">A line is malformed, or the files hold no tagged sentence.</exception>
    public static IEnumerable<TaggedSentence> Read(IEnumerable<string> paths, CorpusFormat format, TagMapping mapping)
    {
        var list = paths.ToList();
        long count = 0;
        foreach (var p in list)
            foreach (var s in Read(p, format, mapping))
            {
                count++;
                yield return s;
            }
        if (count == 0)
            throw new DataFormatException(list.Count == 0 ? "(no files)" : string.Join(", ", list.Take(5)) + (list.Count > 5 ? $" and {list.Count - 5} more" : ""), null,
                $"no tagged sentences (the file{(list.Count == 1 ? " is empty or holds" : "s are empty or hold")} only blank or comment lines); check the files and --format {format.ToString().ToLowerInvariant()}");
    }

    private static IEnumerable<TaggedSentence> Map(IEnumerable<TaggedSentence> sentences, TagMapping mapping, string name)
    {
        long index = 0;
        foreach (var s in sentences)
        {
            index++;
            if (mapping.TagSet == TagSet.Brown) { yield return s; continue; }
            var tags = new string[s.Length];
            for (int i = 0; i < tags.Length; i++)
            {
                tags[i] = mapping.TryMap(s.Tags[i])
                    ?? throw new DataFormatException(name, null, $"sentence {index}, word '{s.Words[i]}': tag '{s.Tags[i]}' has no entry in the {mapping.TagSet} tag map");
            }
            yield return new TaggedSentence(s.Words, tags);
        }
    }
}
