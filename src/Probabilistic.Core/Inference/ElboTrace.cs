using System.Collections;
using System.Globalization;
using System.Text;

namespace Probabilistic.Core.Inference;

/// <summary>
/// What every fit returns: the ELBO after each step and why the fit stopped. Each value belongs to the parameters the
/// step ended with (after the step), so the last value is the fitted model's.
/// </summary>
public sealed class ElboTrace : IReadOnlyList<ElboStep>
{
    // A plain array, not a List<ElboStep>: List's code over a struct of this assembly cannot be precompiled (ReadyToRun)
    // into it, so every fresh process would JIT List<ElboStep>'s methods before its first answer.
    private readonly ElboStep[] _steps;

    /// <summary>A trace of the first <paramref name="count"/> of <paramref name="steps"/> (copied).</summary>
    internal ElboTrace(ElboStep[] steps, int count, StopReason stopReason, bool isBound, long observationCount, int seed)
    {
        _steps = new ElboStep[count];
        Array.Copy(steps, _steps, count);
        StopReason = stopReason;
        IsBound = isBound;
        ObservationCount = observationCount;
        Seed = seed;
    }

    /// <summary>Builds a trace from recorded steps (for models that fit in one shot, or for deserialisation).</summary>
    public static ElboTrace FromSteps(IEnumerable<ElboStep> steps, StopReason stopReason, bool isBound, long observationCount, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var array = steps.ToArray();
        return new(array, array.Length, stopReason, isBound, observationCount, seed);
    }

    /// <summary>Why the fit stopped.</summary>
    public StopReason StopReason { get; }

    /// <summary>True when the values are lower bounds on log evidence; false for EP's estimate.</summary>
    public bool IsBound { get; }

    /// <summary>How many observations each total covers.</summary>
    public long ObservationCount { get; }

    /// <summary>The seed the fit used.</summary>
    public int Seed { get; }

    /// <summary>Number of steps run.</summary>
    public int Count => _steps.Length;

    /// <inheritdoc/>
    public ElboStep this[int index] => _steps[index];

    /// <summary>The total ELBO after the last step; NaN when no step ran.</summary>
    public double FinalElbo => _steps.Length == 0 ? double.NaN : _steps[^1].Elbo;

    /// <summary>The ELBO per observation after the last step; NaN when no step ran.</summary>
    public double FinalElboPerObservation => _steps.Length == 0 ? double.NaN : _steps[^1].ElboPerObservation;

    /// <summary>Sum of the steps' wall times.</summary>
    public TimeSpan TotalElapsed
    {
        get
        {
            var sum = TimeSpan.Zero;
            foreach (var s in _steps) sum += s.Elapsed;
            return sum;
        }
    }

    /// <summary>Mean seconds per step; NaN when no step ran.</summary>
    public double SecondsPerStep => _steps.Length == 0 ? double.NaN : TotalElapsed.TotalSeconds / _steps.Length;

    /// <inheritdoc/>
    public IEnumerator<ElboStep> GetEnumerator()
    {
        foreach (var s in _steps) yield return s;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A short summary: steps, stop reason, final value.</summary>
    public override string ToString()
    {
        var what = IsBound ? "ELBO" : "log-evidence estimate";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Count} steps, {StopReason}; {what} {FinalElbo:G8} nats ({FinalElboPerObservation:G8} per observation)");
    }

    /// <summary>One line per step, for a terminal.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"iter",5} {"ELBO (nats)",18} {"per obs",14} {"ms",9}");
        foreach (var s in _steps)
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Iteration,5} {s.Elbo,18:F6} {s.ElboPerObservation,14:F8} {s.Elapsed.TotalMilliseconds,9:F2}");
        sb.Append(ToString());
        return sb.ToString();
    }
}
