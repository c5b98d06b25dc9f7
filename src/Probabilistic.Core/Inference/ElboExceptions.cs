namespace Probabilistic.Core.Inference;

/// <summary>Raised when a fit must stop on a value that signals a bug or a degenerate model; holds the trace so far.</summary>
public abstract class ElboException : Exception
{
    private protected ElboException(string message, ElboTrace trace) : base(message) => Trace = trace;

    /// <summary>The steps run, ending with the offending one.</summary>
    public ElboTrace Trace { get; }
}

/// <summary>A monotone optimiser (EM, Baum-Welch, VMP) lowered its ELBO by more than rounding: a bug.</summary>
public sealed class ElboDecreasedException(string message, ElboTrace trace) : ElboException(message, trace);

/// <summary>The ELBO became NaN or infinite.</summary>
public sealed class NonFiniteElboException(string message, ElboTrace trace) : ElboException(message, trace);
