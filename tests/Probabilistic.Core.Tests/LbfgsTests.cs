using Probabilistic.Core.Numerics;

namespace Probabilistic.Core.Tests;

/// <summary>L-BFGS on functions with known minima: the value never rises and the minimiser is found.</summary>
public class LbfgsTests
{
    [Fact]
    public void FindsTheRosenbrockMinimumWithoutEverRising()
    {
        // f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1); the classic start (−1.2, 1).
        static double Rosenbrock(ReadOnlySpan<double> x, Span<double> g)
        {
            double a = 1 - x[0], b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }
        var lbfgs = new Lbfgs([-1.2, 1.0], Rosenbrock, memory: 5);
        double previous = lbfgs.Value;
        for (int i = 0; i < 200 && lbfgs.Step(); i++)
        {
            Assert.True(lbfgs.Value <= previous, $"the value rose at iteration {i}: {previous} → {lbfgs.Value}");
            previous = lbfgs.Value;
        }
        Numbers.AssertClose(1.0, lbfgs.Point[0], 0, 1e-6, "x at the minimum");
        Numbers.AssertClose(1.0, lbfgs.Point[1], 0, 1e-6, "y at the minimum");
    }

    [Fact]
    public void SolvesAnIllConditionedQuadratic()
    {
        // f(x) = ½ Σ d_i (x_i − c_i)², d from 1 to 10⁴: the minimiser is c. (With backtracking alone, no Wolfe curvature
        // condition, this takes more than 500 iterations to 1e-6: an honest bound, and room for a better line search.)
        int n = 50;
        var d = Enumerable.Range(0, n).Select(i => Math.Pow(1e4, i / (n - 1.0))).ToArray();
        var c = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        double Quadratic(ReadOnlySpan<double> x, Span<double> g)
        {
            double f = 0;
            for (int i = 0; i < n; i++) { double r = x[i] - c[i]; g[i] = d[i] * r; f += 0.5 * d[i] * r * r; }
            return f;
        }
        var lbfgs = new Lbfgs(new double[n], Quadratic);
        int steps = 0;
        while (steps < 5000 && lbfgs.Step()) steps++;
        Assert.True(steps < 5000, $"not converged in 5000 iterations (f = {lbfgs.Value})");
        Numbers.AssertClose(c, lbfgs.Point.ToArray(), 0, 1e-6, $"minimiser after {steps} iterations");
    }
}
