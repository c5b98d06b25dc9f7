using Probabilistic.Core.IO;

namespace Probabilistic.Hmm.Tagging;

/// <summary>What tagging and scoring need from a trained tagger: the HMM (<see cref="HmmTagger"/>) or the CRF / perceptron (<see cref="CrfTagger"/>).</summary>
public interface ISequenceTagger
{
    /// <summary>The tag names, by id.</summary>
    IReadOnlyList<string> Tags { get; }

    /// <summary>The tag set the model was trained on.</summary>
    TagSet TagSet { get; }

    /// <summary>The mapping that turns corpus tags into this model's tags.</summary>
    TagMapping Mapping { get; }

    /// <summary>True when <paramref name="word"/> was seen in training.</summary>
    bool IsKnown(string word);

    /// <summary>Tags one sentence.</summary>
    string[] Tag(IReadOnlyList<string> words);

    /// <summary>Saves the tagger atomically.</summary>
    void Save(string path);
}

/// <summary>Loads any tagger model file by the kind in its header.</summary>
public static class TaggerFiles
{
    /// <summary>Reads <paramref name="path"/> as an HMM tagger (kind <c>hmm-tagger</c>) or a CRF / perceptron tagger (kind <c>crf-tagger</c>).</summary>
    /// <exception cref="ModelFormatException">The file is neither, or is corrupt.</exception>
    public static ISequenceTagger Load(string path, Core.MemoryBudget? budget = null) => ModelFile.ReadKind(path, budget) switch
    {
        TaggerModelFile.Kind => HmmTagger.Load(path, budget),
        CrfModelFile.Kind => CrfTagger.Load(path, budget),
        var other => throw new ModelFormatException(path, $"a '{other}' model, not a tagger ('{TaggerModelFile.Kind}' or '{CrfModelFile.Kind}')"),
    };
}
