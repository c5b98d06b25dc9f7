namespace Probabilistic.Hmm.Tagging;

public sealed partial class CrfTagger
{
    /// <summary>
    /// A training sentence with each lattice node's weight indices found once (<see cref="NodeScores"/>' pairs grouped by
    /// node, in their order): node k's features are <c>NodeFeatures[NodeStart[k] .. NodeStart[k+1])</c>. Every L-BFGS
    /// evaluation and perceptron epoch then sums and scatters over these lists instead of matching each attribute's
    /// tags against the candidates again; the attribute lists are dropped.
    /// </summary>
    /// <remarks>
    /// A position with a single candidate keeps no features: every path, the gold one included, goes through its node,
    /// so the node's score adds the same amount to the gold score and to log Z, and its features' expected count (its
    /// marginal, 1) equals their empirical count; they cancel in the likelihood and its gradient, and the perceptron
    /// never updates them. Most tokens of frequent unambiguous words are such positions.
    /// </remarks>
    internal Sentence Compile(Sentence sentence, Workspace ws)
    {
        NodeScores(sentence, _weights, ws);
        int nodes = sentence.Offsets[sentence.Length];
        var ambiguous = new bool[nodes];
        for (int i = 0; i < sentence.Length; i++)
        {
            int width = sentence.Offsets[i + 1] - sentence.Offsets[i];
            if (width > 1) ambiguous.AsSpan(sentence.Offsets[i], width).Fill(true);
        }
        var start = new int[nodes + 1];
        for (int p = 0; p < ws.PairCount; p++) if (ambiguous[ws.PairNode[p]]) start[ws.PairNode[p] + 1]++;
        for (int k = 0; k < nodes; k++) start[k + 1] += start[k];
        var features = new int[start[nodes]];
        var fill = start[..nodes];
        for (int p = 0; p < ws.PairCount; p++) if (ambiguous[ws.PairNode[p]]) features[fill[ws.PairNode[p]]++] = ws.PairFeature[p];
        return sentence with { AttributeOffsets = [], Attributes = [], NodeStart = start, NodeFeatures = features };
    }

    // Node scores of a compiled sentence: the sum of each node's weights.
    private static void CompiledScores(Sentence sentence, ReadOnlySpan<double> weights, Span<double> scores)
    {
        var start = sentence.NodeStart!;
        var features = sentence.NodeFeatures!;
        for (int k = 0; k + 1 < start.Length; k++)
        {
            double sum = 0;
            for (int r = start[k]; r < start[k + 1]; r++) sum += weights[features[r]];
            scores[k] = sum;
        }
    }

    // target[f] += amount for each weight index f of node k of a compiled sentence.
    private static void AddNode(Sentence sentence, int node, Span<double> target, double amount)
    {
        var features = sentence.NodeFeatures!;
        for (int r = sentence.NodeStart![node]; r < sentence.NodeStart[node + 1]; r++) target[features[r]] += amount;
    }
}
