namespace Probabilistic.Core.Numerics;

/// <summary>
/// Limited-memory BFGS (Nocedal 1980; Nocedal &amp; Wright, Numerical Optimization, 2nd ed., Algorithm 7.4 and 7.5)
/// that advances one iteration per <see cref="Step"/>, so a fit can run on <see cref="Inference.ElboDriver"/> with the
/// objective on its trace. MathNet.Numerics' <c>LimitedMemoryBfgsMinimizer</c> runs its own loop to the end, which
/// the driver's step-by-step contract (progress, cancellation, tolerance) cannot drive. Minimises f: each step takes
/// the two-loop direction and a backtracking line search with the Armijo condition f(x + αd) ≤ f(x) + c₁α∇f·d
/// (c₁ = 1e-4; α = 1 first, 1/‖∇f‖ on the first step, shrunk by safeguarded quadratic interpolation), so the value
/// never rises. A pair (s, y) with sᵀy ≤ 1e-10·‖s‖‖y‖ is skipped to keep the inverse-Hessian estimate positive definite.
/// </summary>
public sealed class Lbfgs
{
    /// <summary>Computes f(x) and writes ∇f(x) into <paramref name="gradient"/>.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    private readonly Objective _objective;
    private readonly int _memory;
    private readonly double[][] _s, _y;
    private readonly double[] _rho;
    private int _stored, _newest = -1;
    private double[] _x, _g, _xNext, _gNext;
    private readonly double[] _d, _alpha;

    /// <summary>Starts at <paramref name="start"/> (copied), evaluating f there once.</summary>
    /// <param name="start">x₀.</param>
    /// <param name="objective">f and its gradient.</param>
    /// <param name="memory">m, the correction pairs kept (Nocedal &amp; Wright suggest 3–20).</param>
    public Lbfgs(ReadOnlySpan<double> start, Objective objective, int memory = 10)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (memory < 1) throw new ArgumentOutOfRangeException(nameof(memory), memory, "L-BFGS keeps at least one correction pair.");
        int n = start.Length;
        _objective = objective;
        _memory = memory;
        _s = new double[memory][];
        _y = new double[memory][];
        _rho = new double[memory];
        _alpha = new double[memory];
        _x = start.ToArray();
        _g = new double[n];
        _xNext = new double[n];
        _gNext = new double[n];
        _d = new double[n];
        Value = objective(_x, _g);
        Evaluations = 1;
        if (!double.IsFinite(Value)) throw new ArgumentException($"The objective is {Value} at the start point.", nameof(start));
    }

    /// <summary>The current point.</summary>
    public ReadOnlySpan<double> Point => _x;

    /// <summary>The gradient at <see cref="Point"/>.</summary>
    public ReadOnlySpan<double> Gradient => _g;

    /// <summary>f at <see cref="Point"/>.</summary>
    public double Value { get; private set; }

    /// <summary>Objective evaluations so far (line-search trials included).</summary>
    public int Evaluations { get; private set; }

    /// <summary>Iterations that moved the point.</summary>
    public int Iterations { get; private set; }

    /// <summary>
    /// One iteration. Returns false, leaving the point where it was, when no step along the direction (nor, after
    /// dropping the memory, along −∇f) lowers f: the gradient is zero to rounding or f is flat there.
    /// </summary>
    public bool Step(CancellationToken cancellationToken = default)
    {
        if (TryDirection(useMemory: true, cancellationToken)) return true;
        if (_stored == 0) return false;
        _stored = 0; // the quasi-Newton direction failed: forget the curvature pairs and try steepest descent
        _newest = -1;
        return TryDirection(useMemory: false, cancellationToken);
    }

    private bool TryDirection(bool useMemory, CancellationToken cancellationToken)
    {
        int n = _x.Length;
        double gNorm = Math.Sqrt(Dot(_g, _g));
        if (!(gNorm > 0)) return false;
        Direction(useMemory);
        double slope = Dot(_g, _d);
        if (!(slope < 0))
        {
            for (int i = 0; i < n; i++) _d[i] = -_g[i];
            slope = -gNorm * gNorm;
        }
        double step = _stored == 0 ? 1 / Math.Max(1, Math.Sqrt(Dot(_d, _d))) : 1;
        const double c1 = 1e-4;
        for (int trial = 0; trial < 40; trial++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < n; i++) _xNext[i] = _x[i] + step * _d[i];
            double f = _objective(_xNext, _gNext);
            Evaluations++;
            if (double.IsFinite(f) && f <= Value + c1 * step * slope && f < Value)
            {
                Accept(f);
                return true;
            }
            // Minimiser of the quadratic through f(0), f'(0) and f(step), kept within [0.1, 0.5]·step.
            double next = double.IsFinite(f) ? -slope * step * step / (2 * (f - Value - slope * step)) : 0.1 * step;
            step = Math.Clamp(double.IsFinite(next) ? next : 0.5 * step, 0.1 * step, 0.5 * step);
            if (step * Math.Sqrt(Dot(_d, _d)) < 1e-16 * Math.Max(1, Math.Sqrt(Dot(_x, _x)))) break;
        }
        return false;
    }

    private void Accept(double f)
    {
        int n = _x.Length;
        // sᵀy, sᵀs and yᵀy first: a pair that fails the curvature test must not overwrite the slot of a pair still in use.
        double sy = 0, ss = 0, yy = 0;
        for (int i = 0; i < n; i++)
        {
            double si = _xNext[i] - _x[i], yi = _gNext[i] - _g[i];
            sy += si * yi; ss += si * si; yy += yi * yi;
        }
        if (sy > 1e-10 * Math.Sqrt(ss * yy))
        {
            int slot = (_newest + 1) % _memory;
            var s = _s[slot] ??= new double[n];
            var y = _y[slot] ??= new double[n];
            for (int i = 0; i < n; i++) { s[i] = _xNext[i] - _x[i]; y[i] = _gNext[i] - _g[i]; }
            _rho[slot] = 1 / sy;
            _newest = slot;
            _stored = Math.Min(_stored + 1, _memory);
        }
        (_x, _xNext) = (_xNext, _x);
        (_g, _gNext) = (_gNext, _g);
        Value = f;
        Iterations++;
    }

    // Two-loop recursion: d = −H∇f with H₀ = (sᵀy / yᵀy)·I from the newest pair.
    private void Direction(bool useMemory)
    {
        int n = _x.Length;
        var q = _d;
        for (int i = 0; i < n; i++) q[i] = -_g[i];
        int count = useMemory ? _stored : 0;
        for (int k = 0, slot = _newest; k < count; k++, slot = (slot - 1 + _memory) % _memory)
        {
            _alpha[slot] = _rho[slot] * Dot(_s[slot], q);
            Axpy(-_alpha[slot], _y[slot], q);
        }
        if (count > 0)
        {
            var yNew = _y[_newest];
            double gamma = 1 / (_rho[_newest] * Dot(yNew, yNew));
            for (int i = 0; i < n; i++) q[i] *= gamma;
        }
        int oldest = (_newest - count + 1 + _memory) % _memory;
        for (int k = 0, slot = oldest; k < count; k++, slot = (slot + 1) % _memory)
        {
            double beta = _rho[slot] * Dot(_y[slot], q);
            Axpy(_alpha[slot] - beta, _s[slot], q);
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y) => System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x, a, y, y);
}
