namespace Probabilistic.Core.Inference;

/// <summary>How long and how carefully <see cref="ElboDriver"/> runs an optimiser.</summary>
/// <param name="MaxIterations">Steps at most.</param>
/// <param name="Tolerance">
/// Converged when |ΔELBO| &lt; Tolerance · max(1, |ELBO|), both per observation. Zero never converges
/// (the fit then runs exactly <paramref name="MaxIterations"/> steps, as scikit-learn with tol=0).
/// </param>
/// <param name="Seed">Seed for every random choice the fit makes; null draws one from the clock and records it.</param>
/// <param name="Progress">Told once after each step.</param>
/// <param name="MonotoneSlack">
/// How far a monotone optimiser's ELBO may fall, relative to max(1, |ELBO|) per observation, before it
/// counts as a decrease (rounding from reordered parallel sums); anything more is a bug and stops the fit.
/// </param>
/// <param name="Patience">
/// With an optimiser that reports a held-out ELBO: stop after this many steps without a new best held-out value.
/// </param>
public sealed record FitOptions(
    int MaxIterations = 100,
    double Tolerance = 1e-6,
    int? Seed = null,
    IProgress<ElboStep>? Progress = null,
    double MonotoneSlack = 1e-9,
    int? Patience = null)
{
    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (MaxIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be at least 1.");
        if (!(Tolerance >= 0) || double.IsInfinity(Tolerance))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be a finite number >= 0.");
        if (!(MonotoneSlack >= 0))
            throw new ArgumentOutOfRangeException(nameof(MonotoneSlack), MonotoneSlack, "MonotoneSlack must be >= 0.");
        if (Patience is < 1)
            throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience must be at least 1 when given.");
    }

    /// <summary>The seed to use: <see cref="Seed"/>, or a fresh one.</summary>
    public int ResolveSeed() => Seed ?? Random.Shared.Next();
}
