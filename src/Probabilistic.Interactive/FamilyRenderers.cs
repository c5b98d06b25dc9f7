using System.Globalization;
using Probabilistic.Hmm;
using Probabilistic.Mixtures;
using Probabilistic.Core.Gaussians;

namespace Probabilistic.Interactive;

/// <summary>
/// How the model families' own types look in a notebook: a factor-graph distribution as its short line and a small
/// density or bar plot (<see cref="DistributionPlots"/>), a fitted mixture as a table (plus covariance ellipses in 2-D),
/// an HMM as its transition heat map. The VAE's displays live in Probabilistic.Vae.Interactive, so that plots never
/// pull TorchSharp in.
/// </summary>
internal static class FamilyRenderers
{
    internal static void AddAll()
    {
        DistributionPlots.AddRenderers();
        DisplayRenderers.Add<GaussianMixture>(Mixture);
        DisplayRenderers.Add<IHiddenMarkovModel>(HiddenMarkovModel);
    }

    private static DisplayData Mixture(GaussianMixture model)
    {
        if (model.Parameters is not { } p) return new DisplayData("GaussianMixture (not fitted)");
        var rows = Enumerable.Range(0, p.Components).Select(k => (IReadOnlyList<object?>)
            [k, p.Weights[k], string.Join(", ", p.Mean(k).Select(v => v.ToString("G5", CultureInfo.InvariantCulture)))]);
        var table = Html.Table(["component", "weight", "mean"], rows);
        var text = $"GaussianMixture: {p.Components} components, {p.Dimension}-D, {p.CovarianceType} covariance";
        if (p.Dimension != 2) return new DisplayData(text + Environment.NewLine + table.PlainText, table.Html);
        var plot = Plots.CovarianceEllipses(
            Enumerable.Range(0, p.Components).Select(p.Mean).ToArray(),
            Enumerable.Range(0, p.Components).Select(p.FullCovariance).ToArray(), title: text);
        return new DisplayData(text + Environment.NewLine + table.PlainText, table.Html + plot.ToHtml(), plot.Png);
    }

    private static DisplayData HiddenMarkovModel(IHiddenMarkovModel model)
    {
        int k = model.StateCount;
        var matrix = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                matrix[i, j] = model.Transitions[i * k + j];
        var text = $"HMM: {k} states, {model.Family} emissions, {model.Dimension}-D";
        return DisplayRenderers.FromPlot(Plots.HeatMap(matrix, title: text + ": transitions", xLabel: "to state", yLabel: "from state"), text);
    }
}
