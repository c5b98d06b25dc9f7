using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm.Tagging;

public sealed partial class CrfTagger
{
    /// <summary>Tags one sentence into tag ids and returns the score of the best path (log of its unnormalised probability).</summary>
    /// <remarks>
    /// The lattice is built in the thread's buffers, with no allocation once a word is cached: a node's score is the sum
    /// of its word's own weights for that candidate (<see cref="WordInfo.OwnScores"/>, summed once per word) plus the
    /// weights of the five context attributes (the words at −2..+2 and the next word's suffix) for that candidate, found
    /// by merging or binary search over the attribute's sorted tags. <see cref="Score"/> and <see cref="LogPartition(IReadOnlyList{string})"/>
    /// take the general path (<see cref="Prepare"/>, <see cref="NodeScores"/>), which the tests hold this one against.
    /// </remarks>
    public double TagIds(IReadOnlyList<string> words, Span<int> result)
    {
        int n = words.Count;
        if (n == 0) return 0;
        if (result.Length < n) throw new ArgumentException("result is shorter than the sentence", nameof(result));
        var ws = _workspace.Value!;
        if (ws.Infos.Length < n) ws.Infos = new WordInfo[Math.Max(n, 2 * ws.Infos.Length)];
        if (ws.Offsets.Length < n + 1) ws.Offsets = new int[Math.Max(n + 1, 2 * ws.Offsets.Length)];
        var infos = ws.Infos;
        var offsets = ws.Offsets;
        offsets[0] = 0;
        for (int i = 0; i < n; i++)
        {
            infos[i] = Info(words[i], i == 0, ws);
            offsets[i + 1] = offsets[i] + infos[i].Tags.Length;
        }
        int nodes = offsets[n];
        ws.Ensure(nodes, n);
        if (ws.Candidates.Length < nodes) ws.Candidates = new int[Math.Max(nodes, 2 * ws.Candidates.Length)];
        var candidates = ws.Candidates;
        var scores = ws.Scores;
        var weights = _weights;
        for (int i = 0; i < n; i++)
        {
            var info = infos[i];
            int from = offsets[i];
            info.Tags.CopyTo(candidates, from);
            info.OwnScores.CopyTo(scores, from);
        }
        if (Options.Templates != CrfTemplates.WordIdentity)
        {
            var boundary = BoundaryIds(ws);
            for (int i = 0; i < n; i++)
            {
                AddContext(i >= 2 ? infos[i - 2].AsNeighbour[0] : boundary[0], infos[i].Tags, scores.AsSpan(offsets[i]));
                AddContext(i >= 1 ? infos[i - 1].AsNeighbour[1] : boundary[1], infos[i].Tags, scores.AsSpan(offsets[i]));
                AddContext(i + 1 < n ? infos[i + 1].AsNeighbour[2] : boundary[2], infos[i].Tags, scores.AsSpan(offsets[i]));
                AddContext(i + 2 < n ? infos[i + 2].AsNeighbour[3] : boundary[3], infos[i].Tags, scores.AsSpan(offsets[i]));
                if (i + 1 < n) AddContext(infos[i + 1].AsNeighbour[4], infos[i].Tags, scores.AsSpan(offsets[i]));
            }
        }
        int s = Tags.Count + 1;
        double best = CandidateLattice.ViterbiFirstOrder(offsets.AsSpan(0, n + 1), candidates.AsSpan(0, nodes), scores.AsSpan(0, nodes),
            weights.AsSpan(0, s * s), Tags.Count, ws.Path, ws.Delta, ws.Back);
        for (int i = 0; i < n; i++) result[i] = candidates[offsets[i] + ws.Path[i]];
        return best;
    }

    // Adds attribute a's weight for each candidate tag that has a feature with it (both tag lists ascending).
    private void AddContext(int attribute, int[] tags, Span<double> scores)
    {
        if (attribute < 0) return;
        int start = Features.FeatureStart[attribute], transitions = (Tags.Count + 1) * (Tags.Count + 1);
        var featureTags = Features.TagsOf(attribute);
        var weights = _weights.AsSpan(transitions + start);
        if (featureTags.Length <= 4 * tags.Length)
        {
            for (int j = 0, c = 0; j < featureTags.Length && c < tags.Length;)
            {
                if (featureTags[j] < tags[c]) j++;
                else if (featureTags[j] > tags[c]) c++;
                else scores[c++] += weights[j++];
            }
        }
        else
        {
            for (int c = 0; c < tags.Length; c++)
            {
                int j = featureTags.BinarySearch(tags[c]);
                if (j >= 0) scores[c] += weights[j];
            }
        }
    }

    // The sum of the weights of a word's own attributes for each of its candidate tags (ascending), added attribute by
    // attribute in the order the general path (NodeScores) adds them.
    private double[] OwnScores(int[] tags, int[] own)
    {
        int transitions = (Tags.Count + 1) * (Tags.Count + 1);
        var sums = new double[tags.Length];
        foreach (var a in own)
        {
            var featureTags = Features.TagsOf(a);
            for (int c = 0; c < tags.Length; c++)
            {
                int j = featureTags.BinarySearch(tags[c]);
                if (j >= 0) sums[c] += _weights[transitions + Features.FeatureStart[a] + j];
            }
        }
        return sums;
    }
}
