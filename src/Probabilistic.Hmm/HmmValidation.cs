using System.Globalization;

namespace Probabilistic.Hmm;

/// <summary>Checks and small helpers shared by the model and the emissions.</summary>
internal static class HmmValidation
{
    /// <summary>Each of the <paramref name="rows"/> rows must hold finite non-negative values summing to 1 (±1e-6).</summary>
    public static void CheckStochasticRows(ReadOnlySpan<double> values, int rows, int columns, string what)
    {
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < columns; c++)
            {
                double v = values[r * columns + c];
                if (!(v >= 0) || !double.IsFinite(v))
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {what} hold {v} at row {r}, column {c}; probabilities must be finite and >= 0."));
                sum += v;
            }
            if (Math.Abs(sum - 1) > 1e-6)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Row {r} of the {what} sums to {sum:R}, not 1."));
        }
    }

    /// <summary>
    /// Rows of (counts + pseudocount) normalised, where the pseudocount is only added to entries that are non-zero in
    /// <paramref name="current"/> (structural zeros stay zero). A row with no mass keeps its current values.
    /// </summary>
    public static double[] NormalizeCounts(ReadOnlySpan<double> counts, ReadOnlySpan<double> current, int rows, int columns, double pseudocount)
    {
        var result = new double[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                double v = current[i] > 0 ? counts[i] + pseudocount : 0;
                result[i] = v;
                sum += v;
            }
            if (sum > 0)
                for (int c = 0; c < columns; c++) result[r * columns + c] /= sum;
            else
                current.Slice(r * columns, columns).CopyTo(result.AsSpan(r * columns, columns));
        }
        return result;
    }

    /// <summary>Σ pseudocount · log p over the non-zero entries: the Dirichlet log prior (up to a constant) that <see cref="NormalizeCounts"/> maximises.</summary>
    public static double DirichletLogPrior(ReadOnlySpan<double> probabilities, double pseudocount)
    {
        if (pseudocount == 0) return 0;
        double s = 0;
        foreach (var p in probabilities) if (p > 0) s += Math.Log(p);
        return pseudocount * s;
    }
}
