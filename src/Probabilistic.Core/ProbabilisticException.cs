namespace Probabilistic.Core;

/// <summary>
/// A refusal this library makes on purpose: input it cannot use, named with where and why. Every public
/// <c>Load</c>, <c>Read</c> and <c>Fit</c> reports bad input with a subclass of this type (never a
/// NullReferenceException, IndexOutOfRangeException, OverflowException or InvalidCastException), so a caller can
/// tell a refusal from a bug by its type:
/// <list type="bullet">
/// <item><see cref="Data.DataFormatException"/>: a data file or value (file, line, row, column and the reason);</item>
/// <item><see cref="IO.ModelFormatException"/>: a model file (wrong kind, version, type, corrupt or inconsistent);</item>
/// <item><see cref="ResourceLimitException"/>: a request whose memory estimate exceeds the limit;</item>
/// <item><see cref="IO.OutputPathException"/>: an output path that cannot be written safely (one of the inputs,
/// a directory, a device, a missing or read-only folder).</item>
/// </list>
/// </summary>
public abstract class ProbabilisticException : Exception
{
    /// <summary>Creates the exception with its full message.</summary>
    protected ProbabilisticException(string message, Exception? inner = null) : base(message, inner) { }
}
