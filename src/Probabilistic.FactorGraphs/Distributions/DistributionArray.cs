using System.Collections.ObjectModel;
using System.Text;

namespace Probabilistic.FactorGraphs.Distributions;

/// <summary>The marginals of an array variable, printed one per line as Infer.NET does ("[0] Bernoulli(0.9555)").</summary>
public sealed class DistributionArray<T> : ReadOnlyCollection<T>
{
    /// <summary>Wraps the marginals.</summary>
    public DistributionArray(IList<T> items) : base(items) { }

    /// <summary>"[i] distribution" lines.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Count; i++)
        {
            if (i > 0) sb.AppendLine();
            sb.Append('[').Append(i).Append("] ").Append(this[i]);
        }
        return sb.ToString();
    }
}
