using Probabilistic.Core.IO;
using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm.Tests;

/// <summary>Model files: exact round trips, and refusal of files that do not describe a valid model.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"hmm-model-{Guid.NewGuid():N}.json");

    public void Dispose() { if (File.Exists(_path)) File.Delete(_path); }

    [Fact]
    public void EveryFamilyRoundTripsExactly()
    {
        IHiddenMarkovModel[] models =
        [
            TinyModels.Gaussian3(), TinyModels.GaussianFull3(), TinyModels.Categorical3(),
            new HiddenMarkovModel<PoissonEmission, PoissonStatistics>([0.5, 0.5], [0.9, 0.1, 0.2, 0.8], PoissonEmission.FromRates(2, 1, [1.5, 7.0])),
        ];
        double[][] samples = [[0.1, 2.0], [0.1, 0.2, -1.0, 2.0], [0, 3, 2], [0, 4, 9]];
        for (int i = 0; i < models.Length; i++)
        {
            models[i].Save(_path);
            var loaded = HmmModelFile.Load(_path);
            var data = SequenceSet.Single(samples[i], models[i].Dimension);
            Assert.Equal(models[i].ScoreEach(data), loaded.ScoreEach(data));
            Assert.Equal(models[i].Transitions, loaded.Transitions);
        }
    }

    [Theory]
    [InlineData("\"states\":3", "\"states\":4", "has 3 entries but the model needs 4")]
    [InlineData("\"start\":[0.5,", "\"start\":[-0.5,", "probabilities must be finite and >= 0")]
    [InlineData("\"transitions\":[[0.6,", "\"transitions\":[[0.9,", "Row 0 of the transition matrix sums to")]
    public void InvalidFileIsRefusedWithTheReason(string find, string replace, string reason)
    {
        TinyModels.Gaussian3().Save(_path);
        var text = File.ReadAllText(_path);
        Assert.Contains(find, text);
        File.WriteAllText(_path, text.Replace(find, replace));
        var e = Assert.Throws<ModelFormatException>(() => HmmModelFile.Load(_path));
        Assert.Contains(reason, e.Message);
        Assert.Contains(_path, e.Message);
    }
}
