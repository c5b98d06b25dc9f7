using Probabilistic.FactorGraphs.Distributions;

namespace Probabilistic.FactorGraphs.Engine;

/// <summary>
/// EP through a gate for one element of a variable living outside it (Minka &amp; Winn, "Gates", 2008): the gate enters
/// a copy of the element into each case, starting from its cavity (the marginal without the gate's own message) times
/// the case's messages; the case's factors update the copy; the gate exits with the projection of the mixture of the
/// copies, weighted by q(case), as its message.
/// </summary>
internal abstract class GateSlot
{
    internal abstract VarNode Node { get; }
    internal abstract int Element { get; }

    /// <summary>Computes the cavity from the marginal (as it stood when the loop began, under a parallel update); false when improper.</summary>
    internal abstract bool BeginCavity();

    /// <summary>Installs case c's copy (cavity × the case's messages) in the variable's marginal, where the case's factors read it.</summary>
    internal abstract void EnterCase(int c);

    /// <summary>Reads back case c's copy after its factors ran, and keeps the case's messages (copy / cavity).</summary>
    internal abstract void SaveCase(int c);

    internal abstract double CaseLogNormalizer(int c);

    /// <summary>The projection of Σ_c w_c copy_c; the marginal becomes it (or, when deferred, at <see cref="Commit"/>).</summary>
    internal abstract void Exit(ReadOnlySpan<double> w, bool deferred);

    /// <summary>Puts the marginal back as it was before the update (an update skipped).</summary>
    internal abstract void Restore();

    /// <summary>Applies a deferred exit.</summary>
    internal abstract void Commit();

    /// <summary>
    /// Exits again with the case messages kept from the last update, each case's copy rebuilt from the current cavity
    /// (<see cref="BeginCavity"/> first), deferred to <see cref="Commit"/>: the exit of a slot whose case messages are sent
    /// late in a sweep (<see cref="FactorNode.IsEpLagged"/>).
    /// </summary>
    internal abstract void ReExit(ReadOnlySpan<double> w);

    internal abstract bool TouchedInEveryCase { get; }

    /// <summary>Marks the element as touched by case c's factors.</summary>
    internal abstract void Touch(int c);

    internal double MarginalLogNormalizer() => Node.LogNormalizerOf(Element);
}

internal sealed class GateSlot<T>(VarNode<T> node, int element, int cases, bool forceProper) : GateSlot where T : struct, IExponentialFamily<T>
{
    private readonly T[] _caseMessages = Fill(node.Unit, cases);
    private readonly T[] _copies = new T[cases];
    private readonly bool[] _touched = new bool[cases];
    private T _exit = node.Unit;
    private T _pendingExit;
    private bool _pending;
    private T _cavity;
    private T _saved;

    internal override VarNode Node => node;
    internal override int Element => element;

    /// <summary>The cavity the cases start from in the current update (<see cref="BeginCavity"/>).</summary>
    internal T Cavity => _cavity;

    private static T[] Fill(T value, int n)
    {
        var a = new T[n];
        Arrays.Fill(a, value);
        return a;
    }

    internal override void Touch(int c) => _touched[c] = true;

    internal override bool TouchedInEveryCase => _touched.All(t => t);

    internal override bool BeginCavity()
    {
        _saved = node.Marginal[element];
        _cavity = _saved / _exit;
        return _cavity.IsProper() || _cavity.IsPointMass;
    }

    internal override void EnterCase(int c) => node.Marginal[element] = _touched[c] ? _cavity * _caseMessages[c] : _cavity;

    internal override void SaveCase(int c)
    {
        _copies[c] = node.Marginal[element];
        if (_touched[c] && !_cavity.IsPointMass) _caseMessages[c] = _copies[c] / _cavity;
        node.Marginal[element] = _saved;
    }

    internal override double CaseLogNormalizer(int c) => _copies[c].GetLogNormalizer();

    internal override void Restore() => node.Marginal[element] = _saved;

    internal override void Exit(ReadOnlySpan<double> w, bool deferred)
    {
        for (int c = 0; c < w.Length; c++)
            if (w[c] > 0 && !(_copies[c].IsProper() || _copies[c].IsPointMass)) { Restore(); return; }
        var q = T.ProjectMixture(w, _copies);
        // by default the message is kept proper, as Infer.NET keeps its gates' messages (GateEnterOp.ForceProper)
        var message = _cavity.IsPointMass ? node.Unit : forceProper ? T.ProperRatio(q, _cavity) : q / _cavity;
        if (deferred)
        {
            _pendingExit = message;
            _pending = true;
            node.Marginal[element] = _saved;
            return;
        }
        node.Marginal[element] = _cavity.IsPointMass ? _cavity : _cavity * message;
        _exit = message;
    }

    internal override void ReExit(ReadOnlySpan<double> w)
    {
        for (int c = 0; c < _copies.Length; c++) _copies[c] = _touched[c] ? _cavity * _caseMessages[c] : _cavity;
        Exit(w, deferred: true);
    }

    internal override void Commit()
    {
        if (!_pending) return;
        node.Marginal[element] = node.Marginal[element] / _exit * _pendingExit;
        _exit = _pendingExit;
        _pending = false;
    }
}
