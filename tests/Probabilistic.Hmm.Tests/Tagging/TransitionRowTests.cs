using Probabilistic.Core.Data;
using Probabilistic.Hmm.Tagging;

namespace Probabilistic.Hmm.Tests.Tagging;

/// <summary>Smoothed transition rows are distributions, for the dense (≤ 200 tags) and the on-demand (raw Brown) tables.</summary>
public class TransitionRowTests
{
    [Theory]
    [InlineData(TagSet.Normalised, 3)]
    [InlineData(TagSet.Brown, 3)]
    [InlineData(TagSet.Brown, 2)]
    public void SeenContextsSumToOne(TagSet tagSet, int order)
    {
        var files = DataFiles.ExpandFiles([Path.Combine(TestPaths.Datasets, "brown-sample")]);
        var sentences = TaggedCorpus.Read(files, CorpusFormat.Brown, TagMapping.For(tagSet, null)).ToList();
        var tagger = HmmTagger.Train(sentences, new TaggerOptions(Order: order));
        if (tagSet == TagSet.Brown)
            Assert.True(tagger.Tags.Count > TransitionModel.DenseLimit, $"raw Brown tags ({tagger.Tags.Count}) should exceed the dense limit, exercising on-demand rows");
        var m = tagger.Counts.ComputeMarginals();
        int s = m.Size, checkedRows = 0;
        // λ1 P̂(z) + λ2 P̂(z|y) + λ3 P̂(z|x,y) sums to λ1 + λ2 + λ3 = 1 whenever both contexts were seen.
        for (int x = 0; x < s; x++)
        {
            for (int y = 0; y < s; y++)
            {
                if (m.TrigramContext[x * s + y] == 0 || m.BigramContext[y] == 0) continue;
                double total = 0;
                foreach (var l in tagger.Transitions.Row(x, y)) total += Math.Exp(l);
                Assert.True(Math.Abs(total - 1) < 1e-9, $"row ({x}, {y}) sums to {total}");
                if (++checkedRows > 2000) return;
            }
        }
        Assert.True(checkedRows > 100, $"only {checkedRows} seen contexts checked");
    }
}
