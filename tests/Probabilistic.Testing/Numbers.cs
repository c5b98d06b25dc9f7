using System.Globalization;
using Xunit;

namespace Probabilistic.Testing;

/// <summary>The one closeness assertion of the test suite: it says what was compared, both values and the tolerance.</summary>
public static class Numbers
{
    /// <summary>
    /// Passes when |actual − expected| ≤ max(<paramref name="absolute"/>, <paramref name="relative"/>·|expected|); the failure
    /// message names <paramref name="what"/>, both values (round-trip precision) and the difference.
    /// </summary>
    public static void AssertClose(double expected, double actual, double relative, double absolute = 0, string what = "value")
    {
        double diff = Math.Abs(actual - expected);
        bool ok = diff <= Math.Max(absolute, relative * Math.Abs(expected)) || (double.IsNaN(expected) && double.IsNaN(actual)) || expected == actual;
        Assert.True(ok, string.Create(CultureInfo.InvariantCulture,
            $"{what}: expected {expected:R}, got {actual:R} (difference {diff:G3}; tolerance the larger of {relative:G3} relative and {absolute:G3} absolute)"));
    }

    /// <summary><see cref="AssertClose(double, double, double, double, string)"/> element by element, naming the index.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double relative, double absolute = 0, string what = "values")
    {
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} values expected, {actual.Count} given");
        for (int i = 0; i < expected.Count; i++) AssertClose(expected[i], actual[i], relative, absolute, $"{what}[{i}]");
    }

    /// <summary>
    /// The restart a fit kept reached <paramref name="kept"/>; a single fit with one of its restarts' seeds reached
    /// <paramref name="single"/>. Restarts keep the highest final objective, except that ties within
    /// <paramref name="tieTolerance"/> (relative; <c>ElboDriver.RestartTieTolerance</c>) keep the earliest, so
    /// <paramref name="single"/> may exceed <paramref name="kept"/> by that much and no more.
    /// </summary>
    public static void AssertKeptBest(double kept, double single, double tieTolerance, string what)
    {
        double margin = tieTolerance * Math.Max(1, Math.Max(Math.Abs(kept), Math.Abs(single)));
        Assert.True(single - kept <= margin, string.Create(CultureInfo.InvariantCulture,
            $"{what}: a restart reached {single:R}, the fit kept {kept:R} (more than the tie margin {margin:G3} lower)"));
    }
}
