namespace Probabilistic.Hmm.Tagging;

/// <summary>
/// TnT's deleted interpolation (Brants 2000, fig. 1): for every n-gram with count f &gt; 0, remove that one occurrence
/// and ask which estimate of the predicted tag is then best — (f(x,y,z)−1)/(f(x,y)−1), (f(y,z)−1)/(f(y)−1) or
/// (f(z)−1)/(N−1), with 0/0 read as 0 — and credit its λ with f. Ties split f equally among the tied maxima. The λs
/// are then normalised to sum to one. Contexts are marginals: f(x,y) = Σ_z f(x,y,z), f(y) = Σ_z f(y,z).
/// </summary>
public static class DeletedInterpolation
{
    /// <summary>Weights (λ1 unigram, λ2 bigram, λ3 trigram) for P(z|x,y) = λ1 P̂(z) + λ2 P̂(z|y) + λ3 P̂(z|x,y).</summary>
    public static (double L1, double L2, double L3) TrigramLambdas(TransitionCounts counts)
    {
        var m = counts.ComputeMarginals();
        int s = m.Size;
        double l1 = 0, l2 = 0, l3 = 0;
        foreach (var (x, y, z, f) in counts.Trigrams())
        {
            double c3 = Ratio(f - 1, m.TrigramContext[x * s + y] - 1);
            double c2 = Ratio(m.Bigram[y * s + z] - 1, m.BigramContext[y] - 1);
            double c1 = Ratio(m.Unigram[z] - 1, m.Total - 1);
            double max = Math.Max(c1, Math.Max(c2, c3));
            int ties = (c1 == max ? 1 : 0) + (c2 == max ? 1 : 0) + (c3 == max ? 1 : 0);
            double share = (double)f / ties;
            if (c1 == max) l1 += share;
            if (c2 == max) l2 += share;
            if (c3 == max) l3 += share;
        }
        double sum = l1 + l2 + l3;
        return sum > 0 ? (l1 / sum, l2 / sum, l3 / sum) : (1, 0, 0);
    }

    /// <summary>Weights (λ1 unigram, λ2 bigram) for P(z|y) = λ1 P̂(z) + λ2 P̂(z|y), by the same rule over bigrams.</summary>
    public static (double L1, double L2) BigramLambdas(TransitionCounts counts)
    {
        var m = counts.ComputeMarginals();
        int s = m.Size;
        double l1 = 0, l2 = 0;
        for (int y = 0; y < s; y++)
        {
            for (int z = 0; z < s; z++)
            {
                long f = m.Bigram[y * s + z];
                if (f == 0) continue;
                double c2 = Ratio(f - 1, m.BigramContext[y] - 1);
                double c1 = Ratio(m.Unigram[z] - 1, m.Total - 1);
                if (c2 > c1) l2 += f;
                else if (c1 > c2) l1 += f;
                else { l1 += f / 2.0; l2 += f / 2.0; }
            }
        }
        double sum = l1 + l2;
        return sum > 0 ? (l1 / sum, l2 / sum) : (1, 0);
    }

    private static double Ratio(long num, long den) => den <= 0 ? 0 : (double)num / den;
}
