using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// The VMP truncation an observed constraint (IsPositive, IsBetween) puts on the one random Gaussian z its argument is an
/// affine function of: per factor instance the element of z it truncates and the factor's own truncation of a Gaussian
/// (moment matching, with its log normaliser). q(z) is held as the projection of the truncated density; the messages are
/// computed after z's update, from z's other messages (Infer.NET's schedule), and the bound carries the entropy correction.
/// </summary>
internal sealed class Truncation(FactorNode factor)
{
    private int[] _elem = [];
    private Gaussian[] _lagged = [], _rest = [];
    private double[] _logZ = [];
    private Func<int, Gaussian, (Gaussian Projection, double LogZ)> _truncate = (_, m) => (m, 0);

    /// <summary>The variable truncated, once bound; null when no instance applies.</summary>
    internal VarNode<Gaussian>? Target { get; private set; }

    /// <summary>
    /// Resolves z per instance from the argument port: an instance whose gates' cases are not taken (observed selectors)
    /// does not apply; <paramref name="interval"/> gets (instance, α, β) of x = α·z + β and readies the instance's
    /// truncation, which <paramref name="truncate"/> then applies to z's other messages.
    /// </summary>
    internal void Bind(Port<Gaussian> x, Action<int, double, double> interval, Func<int, Gaussian, (Gaussian, double)> truncate)
    {
        int n = factor.Count;
        _elem = new int[n]; _rest = new Gaussian[n]; _logZ = new double[n];
        _lagged = new Gaussian[n];
        Arrays.Fill(_lagged, Gaussian.Uniform());
        _truncate = truncate;
        Target = null;
        for (int i = 0; i < n; i++)
        {
            if (!factor.InTakenCase(i)) { _elem[i] = -1 - i; continue; }
            var (z, j, a, b) = Collapsed.Affine(x, i);
            if (z is null || a == 0 || !double.IsFinite(a) || (Target is not null && !ReferenceEquals(Target, z)))
                throw new NotSupportedException(Collapsed.TruncationMessage(factor, x));
            Target = z;
            _elem[i] = j;
            interval(i, a, b);
        }
        if (Target is not null && _elem.Distinct().Count() != n)
            throw new NotSupportedException($"Under VMP the {factor.Description} factor constrains the same element of '{Target.Name}' more than once; VMP supports one such constraint per variable element. Use ExpectationPropagation.");
    }

    /// <summary>Multiplies the last messages into z's accumulated messages (every element, or only element <paramref name="only"/>).</summary>
    internal void Truncate(int only)
    {
        var acc = Target!.Accumulator;
        for (int i = 0; i < _elem.Length; i++)
        {
            int j = _elem[i];
            if (j < 0 || (only >= 0 && j != only)) continue;
            acc[j] = acc[j] * _lagged[i];
        }
    }

    /// <summary>
    /// The messages after z's update: with m̂ = q(z) / (this message), the product of z's other messages, the message is
    /// proj[m̂ · 1(constraint)] / m̂.
    /// </summary>
    internal void UpdateMessages()
    {
        for (int i = 0; i < _elem.Length; i++)
        {
            if (_elem[i] < 0) continue;
            var m = Target!.Marginal[_elem[i]] / _lagged[i];
            if (!m.IsProper() || m.IsPointMass)
                throw new InvalidOperationException($"Under VMP the {factor.Description} factor truncates '{Target.Name}', whose other messages give {m}; it needs a proper Gaussian (give '{Target.Name}' a proper prior or noise).");
            var (projection, logZ) = _truncate(i, m);
            _rest[i] = m; _logZ[i] = logZ;
            _lagged[i] = projection / m;
        }
    }

    /// <summary>
    /// Instance i's bound term: q(z) is truncated but held as its Gaussian projection, so the ELBO's −E[log q] is the
    /// projection's entropy; add H(truncated) − H(projection), with H(truncated) = −E_q[log m̂(z)] + log Z (m̂ the normalised
    /// product of the other messages). E_q[log 1[..]] = 0.
    /// </summary>
    internal double AverageLog(int i)
    {
        if (_elem.Length == 0 || _elem[i] < 0) return 0;
        var q = Target!.Marginal[_elem[i]];
        return -q.GetAverageLog(_rest[i]) + _logZ[i] + q.GetAverageLogSelf();
    }
}
