using System.Collections.ObjectModel;
using System.Text;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>The marginals of an array variable, printed one per line as Infer.NET does ("[0] Bernoulli(0.9555)").</summary>
public sealed class DistributionArray<T> : ReadOnlyCollection<T>
{
    /// <summary>Wraps the marginals.</summary>
    public DistributionArray(IList<T> items) : base(items) { }

    /// <summary>"[i] distribution" lines; the rows of a jagged array are indented under their index.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Count; i++)
        {
            if (i > 0) sb.AppendLine();
            string prefix = "[" + i + "] ";
            // a nested array (a row of a jagged array) prints one element per line, aligned under its first
            var lines = (this[i]?.ToString() ?? "").Split('\n');
            sb.Append(prefix).Append(lines[0].TrimEnd('\r'));
            for (int l = 1; l < lines.Length; l++) sb.AppendLine().Append(' ', prefix.Length).Append(lines[l].TrimEnd('\r'));
        }
        return sb.ToString();
    }
}
