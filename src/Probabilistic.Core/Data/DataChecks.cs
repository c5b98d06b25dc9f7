using System.Globalization;

namespace Probabilistic.Core.Data;

/// <summary>Checks of data values that Gaussian models need before they fit or score.</summary>
public static class DataChecks
{
    /// <summary>
    /// The largest magnitude a Gaussian model accepts: 1e150. Squares of larger values overflow double precision
    /// (above about 1.34e154) or leave no room for sums of squares over many rows, so means, covariances and
    /// Mahalanobis distances would silently become ∞ or NaN.
    /// </summary>
    public const double MaxMagnitude = 1e150;

    /// <summary>
    /// Throws <see cref="DataFormatException"/> naming the source, line, row and column of the first value that is not
    /// finite or exceeds <see cref="MaxMagnitude"/> in magnitude.
    /// </summary>
    public static void RequireGaussianScale(NumericTable table)
    {
        var x = table.Values;
        int d = table.Columns;
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            if (!double.IsFinite(v)) throw table.ErrorAt(i / d, i % d, $"{Show(v)} is not a finite number");
            if (Math.Abs(v) > MaxMagnitude) throw table.ErrorAt(i / d, i % d, TooLarge(v));
        }
    }

    /// <summary>The same check on a row-major array of <paramref name="columns"/> columns named <paramref name="name"/>.</summary>
    public static void RequireGaussianScale(ReadOnlySpan<double> x, int columns, string name)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            if (!double.IsFinite(v) || Math.Abs(v) > MaxMagnitude)
                throw new DataFormatException(name, null, string.Create(CultureInfo.InvariantCulture,
                    $"row {i / columns} (0-based), column {i % columns}: {(double.IsFinite(v) ? TooLarge(v) : $"{Show(v)} is not a finite number")}"));
        }
    }

    /// <summary>The reason given for a value beyond <see cref="MaxMagnitude"/>.</summary>
    public static string TooLarge(double v) => string.Create(CultureInfo.InvariantCulture,
        $"{Show(v)} is too large in magnitude for a Gaussian model: squares and sums of squares of values beyond {MaxMagnitude:G3} overflow double precision; rescale the column (e.g. divide it by a power of ten)");

    private static string Show(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
