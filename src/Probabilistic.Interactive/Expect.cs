using System.Globalization;

namespace Probabilistic.Interactive;

/// <summary>A notebook's stated expectation did not hold.</summary>
public sealed class ExpectationFailedException(string message) : Exception(message);

/// <summary>
/// Expectations a notebook states in its last cell; the test suite runs every notebook and fails when one throws.
/// </summary>
public static class Expect
{
    /// <summary>Throws <see cref="ExpectationFailedException"/> with <paramref name="message"/> unless <paramref name="condition"/>.</summary>
    public static void That(bool condition, string message)
    {
        if (!condition) throw new ExpectationFailedException("Expectation failed: " + message);
    }

    /// <summary>Throws unless |actual − expected| ≤ tolerance, naming <paramref name="what"/> and both values.</summary>
    public static void Near(double expected, double actual, double tolerance, string what)
    {
        if (!(Math.Abs(actual - expected) <= tolerance))
            throw new ExpectationFailedException(string.Create(CultureInfo.InvariantCulture,
                $"Expectation failed: {what} = {actual:R}, expected {expected:R} ± {tolerance:G3}."));
    }
}
