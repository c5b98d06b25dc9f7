using Probabilistic.Hmm.Emissions;
using Probabilistic.Hmm.Kernels;

namespace Probabilistic.Hmm;

/// <summary>
/// The pieces of Baum-Welch that do not depend on where the sequences live, shared by the in-memory
/// <see cref="BaumWelch{TEmission, TStats}"/> and <see cref="OutOfCoreBaumWelch{TEmission, TStats}"/>: the M-step, one
/// sequence's E-step contribution, the fixed cut of sequences into blocks, and the log prior of the objective.
/// </summary>
internal static class BaumWelchSteps
{
    /// <summary>The M-step: new π, A and emissions from the expected counts (pseudo-counts on the allowed entries).</summary>
    public static HiddenMarkovModel<TEmission, TStats> Maximize<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model,
        ExpectedCounts<TStats> totals, HmmPriors priors)
        where TEmission : IEmissionModel<TEmission, TStats> where TStats : class
    {
        var start = HmmValidation.NormalizeCounts(totals.Start, model.StartSpan, 1, model.StateCount, priors.StartPseudocount);
        var transitions = HmmValidation.NormalizeCounts(totals.Transitions, model.TransitionSpan, model.StateCount, model.StateCount, priors.TransitionPseudocount);
        return new HiddenMarkovModel<TEmission, TStats>(start, transitions, model.Emission.Maximize(totals.Emission));
    }

    /// <summary>
    /// Adds one sequence's expected counts under <paramref name="model"/> to <paramref name="counts"/> and returns its
    /// log-likelihood; when that is −∞ (the sequence is impossible) nothing is added and the caller names the sequence.
    /// </summary>
    public static double Accumulate<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, ReadOnlySpan<double> x, int steps,
        SequenceWorkspace ws, ExpectedCounts<TStats> counts)
        where TEmission : IEmissionModel<TEmission, TStats> where TStats : class
    {
        int k = model.StateCount;
        ws.Ensure(steps);
        model.Emission.LogLikelihoods(x, steps, ws.Frame);
        double ll = SequencePasses.Run(model.StartSpan, model.TransitionSpan, model.LogStartSpan, model.LogTransitionSpan, ws, steps, backward: true);
        if (double.IsNegativeInfinity(ll)) return ll;
        counts.LogLikelihood += ll;
        ForwardBackward.AccumulateTransitions(ws.Alpha, ws.Beta, ws.Frame, ws.Scale, model.TransitionSpan, steps, k, counts.Transitions, ws.Work);
        ForwardBackward.StatePosteriors(ws.Alpha, ws.Beta, steps, k, ws.Beta);
        for (int j = 0; j < k; j++) counts.Start[j] += ws.Beta[j];
        model.Emission.Accumulate(counts.Emission, x, steps, ws.Beta);
        return ll;
    }

    /// <summary>Sequence indices cutting sequences with these row <paramref name="offsets"/> into at most <paramref name="count"/> non-empty blocks of similar total length.</summary>
    public static int[] Blocks(ReadOnlySpan<long> offsets, int count)
    {
        int sequences = offsets.Length - 1;
        count = Math.Clamp(count, 1, sequences);
        var bounds = new List<int> { 0 };
        long total = offsets[^1];
        for (int n = 0; n < sequences; n++)
            if (offsets[n + 1] * count >= total * bounds.Count && n + 1 < sequences && bounds.Count < count) bounds.Add(n + 1);
        bounds.Add(sequences);
        return bounds.ToArray();
    }

    /// <summary>The log prior (up to a constant) of <paramref name="model"/>: the Dirichlet pseudo-counts on π and A, and the emission's.</summary>
    public static double LogPrior<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> model, HmmPriors priors)
        where TEmission : IEmissionModel<TEmission, TStats> where TStats : class =>
        HmmValidation.DirichletLogPrior(model.StartSpan, priors.StartPseudocount)
        + HmmValidation.DirichletLogPrior(model.TransitionSpan, priors.TransitionPseudocount)
        + model.Emission.LogPrior();
}
