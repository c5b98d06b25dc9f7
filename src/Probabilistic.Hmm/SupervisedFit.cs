using Probabilistic.Hmm.Emissions;

namespace Probabilistic.Hmm;

/// <summary>Fitting from labelled state sequences: counts in place of expected counts, then the same M-step as Baum-Welch.</summary>
public static class SupervisedFit
{
    /// <summary>
    /// Estimates π, A and the emission from observations whose states are known (<paramref name="states"/>: one
    /// state per observation, sequences concatenated in the order of <paramref name="data"/>). <paramref name="template"/>
    /// supplies the emission family and settings, the state count, the pattern of structural zeros in π and A, and the
    /// parameters kept by states that never occur.
    /// </summary>
    public static HiddenMarkovModel<TEmission, TStats> Fit<TEmission, TStats>(HiddenMarkovModel<TEmission, TStats> template,
        SequenceSet data, IReadOnlyList<int> states, HmmPriors? priors = null)
        where TEmission : IEmissionModel<TEmission, TStats>
        where TStats : class
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(data);
        template.CheckData(data);
        priors ??= HmmPriors.None;
        int k = template.StateCount;
        if (states.Count != data.TotalLength)
            throw new ArgumentException($"{states.Count} state labels were given for {data.TotalLength} observations.", nameof(states));
        var start = new double[k];
        var transitions = new double[k * k];
        var stats = template.Emission.CreateStatistics();
        int maxLength = data.MaxLength;
        var oneHot = new double[maxLength * k];
        for (int n = 0; n < data.Count; n++)
        {
            int steps = data.Length(n);
            long offset = data.Offsets[n];
            Array.Clear(oneHot, 0, steps * k);
            for (int t = 0; t < steps; t++)
            {
                int z = states[(int)(offset + t)];
                if (z < 0 || z >= k) throw new ArgumentException($"Sequence {n}, step {t}: state label {z} is outside 0..{k - 1}.", nameof(states));
                oneHot[t * k + z] = 1;
                if (t == 0) start[z]++;
                else transitions[states[(int)(offset + t - 1)] * k + z]++;
            }
            template.Emission.Accumulate(stats, data.Sequence(n), steps, oneHot);
        }
        return new HiddenMarkovModel<TEmission, TStats>(
            HmmValidation.NormalizeCounts(start, template.StartSpan, 1, k, priors.StartPseudocount),
            HmmValidation.NormalizeCounts(transitions, template.TransitionSpan, k, k, priors.TransitionPseudocount),
            template.Emission.Maximize(stats));
    }
}
