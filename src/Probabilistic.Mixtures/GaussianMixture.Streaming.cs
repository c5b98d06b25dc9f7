using System.Globalization;
using Probabilistic.Core;
using Probabilistic.Core.Data;
using Probabilistic.Core.Gaussians;
using Probabilistic.Core.Inference;
using Probabilistic.Core.Numerics;
using Probabilistic.Mixtures.Kernels;

namespace Probabilistic.Mixtures;

public sealed partial class GaussianMixture
{
    /// <summary>The default read size of an out-of-core fit: about 8 MiB of float64 values a block.</summary>
    public const int DefaultStreamingBlockBytes = 8 << 20;

    /// <summary>Rows per block for <paramref name="columns"/> columns at <see cref="DefaultStreamingBlockBytes"/> (at least 1,024).</summary>
    public static int DefaultRowsPerBlock(int columns) => Math.Max(1024, DefaultStreamingBlockBytes / (8 * Math.Max(1, columns)));

    /// <summary>
    /// Fits to rows left on disk (a .npy file of any size, or a folder of .npy shards): every pass over the data, the
    /// start's included, reads it in blocks of <paramref name="rowsPerBlock"/> rows (default:
    /// <see cref="DefaultRowsPerBlock"/>), so memory does not grow with the rows. Same starts (k-means++, random
    /// responsibilities, given means or parameters, drawn from the same seeds), same kernels and the same fixed-order
    /// sums as <see cref="Fit(NumericTable, FitOptions?, CancellationToken)"/>: on data that fit in memory both give the
    /// same trace and parameters up to rounding (summation grouping), well within 1e-10.
    /// </summary>
    /// <remarks>
    /// E-steps run on the CPU backend (<see cref="GaussianMixtureOptions.Backend"/> null or a <see cref="CpuMixtureBackend"/>).
    /// k-means++ keeps 12 bytes a row (<see cref="StreamingKMeans"/>); the other starts keep nothing per row.
    /// Cancellation, progress and the monotone check are <see cref="ElboDriver"/>'s, as in memory.
    /// </remarks>
    /// <exception cref="DataFormatException">A value is not finite or too large (shard and row named), a shard changed or
    /// vanished during the fit, or there are fewer rows than components.</exception>
    /// <exception cref="ResourceLimitException">The fit's memory estimate exceeds <see cref="GaussianMixtureOptions.Budget"/>.</exception>
    public FitResult<GaussianMixture> Fit(NpyRowSource source, FitOptions? fitOptions = null, CancellationToken cancellationToken = default,
        int? rowsPerBlock = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        int d = source.Columns, k = Options.Components;
        Options.Validate(d);
        fitOptions ??= new FitOptions();
        fitOptions.Validate();
        if (rowsPerBlock is < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerBlock), rowsPerBlock, "At least one row a block.");
        int rows = rowsPerBlock ?? DefaultRowsPerBlock(d);
        if (source.Rows < k && Options.Init != MixtureInit.Parameters)
            throw new DataFormatException(source.Name, null, TooFewRows(source.Rows, k));
        var cpu = Options.Backend switch
        {
            null => DefaultBackend,
            CpuMixtureBackend c => c,
            var other => throw new NotSupportedException($"Out-of-core fits run their E-steps on the CPU backend; the options name '{other.Name}'."),
        };
        bool full = Options.CovarianceType is CovarianceType.Full or CovarianceType.Tied;
        double perRow = Options.Init == MixtureInit.KMeansPlusPlus ? StreamingKMeans.BytesPerRow : 0;
        (Options.Budget ?? MemoryBudget.Available()).Require(
            StreamingMixtureData.EstimateBytes((int)Math.Min(rows, source.Rows), d, k, source.Shards[0].ElementSize, full, cpu.MaxThreads)
                + perRow * source.Rows,
            string.Create(CultureInfo.InvariantCulture, $"an out-of-core {Options.CovarianceType} Gaussian mixture of {k} components on {source.Rows} rows × {d} columns"),
            perRow > 0 ? "the rows per block, or start from given means or random responsibilities (k-means++ keeps 12 bytes a row)" : "the rows per block");
        var fit = fitOptions with { MonotoneSlack = Math.Max(fitOptions.MonotoneSlack, ((IMixtureBackend)cpu).MonotoneSlack) };
        using var bound = new StreamingMixtureData(source, k, rows, cpu);
        return FitStarts(source, bound, rows, fit, cancellationToken);
    }

    /// <summary>
    /// Fits to the rows of <paramref name="source"/> with every E-step run by <paramref name="eSteps"/> — for instance
    /// partitions of the rows held by other processes, whose statistics it adds up in a fixed order — while the starts
    /// (k-means++, random responsibilities, given means) are drawn from passes over <paramref name="source"/> here, as
    /// <see cref="Fit(NpyRowSource, FitOptions?, CancellationToken, int?)"/> draws them; a start from given parameters
    /// reads no rows. The same start and the same E-step sums up to their grouping give the same trace and parameters as
    /// that fit, within rounding. <paramref name="eSteps"/> stays the caller's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="eSteps"/> covers a different number of rows than <paramref name="source"/>.</exception>
    public FitResult<GaussianMixture> Fit(NpyRowSource source, IMixtureData eSteps, FitOptions? fitOptions = null,
        CancellationToken cancellationToken = default, int? rowsPerBlock = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(eSteps);
        if (eSteps.Count != source.Rows)
            throw new ArgumentException($"The E-steps cover {eSteps.Count} rows; {source.Name} holds {source.Rows}.", nameof(eSteps));
        Options.Validate(source.Columns);
        fitOptions ??= new FitOptions();
        fitOptions.Validate();
        if (rowsPerBlock is < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerBlock), rowsPerBlock, "At least one row a block.");
        if (source.Rows < Options.Components && Options.Init != MixtureInit.Parameters)
            throw new DataFormatException(source.Name, null, TooFewRows(source.Rows, Options.Components));
        var fit = fitOptions with { MonotoneSlack = Math.Max(fitOptions.MonotoneSlack, ((IMixtureBackend)DefaultBackend).MonotoneSlack) };
        return FitStarts(source, eSteps, rowsPerBlock ?? DefaultRowsPerBlock(source.Columns), fit, cancellationToken);
    }

    private FitResult<GaussianMixture> FitStarts(NpyRowSource source, IMixtureData bound, int rows, FitOptions fitOptions, CancellationToken cancellationToken)
    {
        var fit = fitOptions with { Seed = fitOptions.ResolveSeed() };
        var best = ElboDriver.FitBest(Options.Restarts,
            seed => new GaussianMixtureEm(bound, InitializeStreaming(source, rows, seed, cancellationToken), Options.RegCovar, cancellationToken),
            fit, cancellationToken);
        if (best.Optimizer is null || best.Trace.Count == 0)
        {
            Trace = ElboTrace.FromSteps([], StopReason.Cancelled, true, source.Rows, best.Trace.Seed);
            return new(this, Trace);
        }
        Trace = best.Trace;
        SetParameters(best.Optimizer.Current);
        return new(this, Trace);
    }

    /// <summary>The start <see cref="Initialize"/> gives on the same rows and seed, from passes over the source.</summary>
    internal GaussianMixtureParameters InitializeStreaming(NpyRowSource source, int rows, int seed, CancellationToken ct)
    {
        int k = Options.Components, d = source.Columns;
        var type = Options.CovarianceType;
        switch (Options.Init)
        {
            case MixtureInit.Parameters:
                return Options.InitialParameters!;
            case MixtureInit.Means:
            {
                var means = Options.InitialMeans!;
                var p = MStepKernels.EstimateGaussianParameters(
                    StreamingFromLabels(source, rows, k, (at, row) => KMeans.Nearest(row, means, k, out _), ct), Options.RegCovar, type);
                return new GaussianMixtureParameters(type, k, d, p.WeightsArray, means, p.CovariancesArray);
            }
            case MixtureInit.RandomResponsibilities:
            {
                // The draws go row by row in row order, as in memory, so the same seed gives the same responsibilities.
                var random = Rng.Create(seed);
                var stats = new GaussianStatistics(k, d, true);
                var resp = new double[k];
                source.ForEachBlock(rows, (_, count, x) =>
                {
                    for (int i = 0; i < count; i++)
                    {
                        double sum = 0;
                        for (int c = 0; c < k; c++) sum += resp[c] = random.NextDouble();
                        for (int c = 0; c < k; c++) resp[c] /= sum;
                        EStepKernels.AccumulateRow(x.AsSpan(i * d, d), resp, stats);
                    }
                }, ct);
                return MStepKernels.EstimateGaussianParameters(stats, Options.RegCovar, type);
            }
            default:
            {
                var labels = StreamingKMeans.Fit(source, k, seed, rows, cancellationToken: ct).Labels;
                var stats = StreamingFromLabels(source, rows, k, (at, _) => labels[at], ct);
                return MStepKernels.EstimateGaussianParameters(stats, Options.RegCovar, type);
            }
        }
    }

    /// <summary>Adopts a fit run outside <c>Fit</c> (a coordinator that checkpoints its steps): its final parameters and trace.</summary>
    internal FitResult<GaussianMixture> Adopt(GaussianMixtureParameters parameters, ElboTrace trace)
    {
        Trace = trace;
        SetParameters(parameters);
        return new(this, trace);
    }

    private delegate int RowLabel(long row, ReadOnlySpan<double> values);

    /// <summary><see cref="EStepKernels.FromLabels"/> over a source: one-hot statistics added in row order.</summary>
    private static GaussianStatistics StreamingFromLabels(NpyRowSource source, int rows, int k, RowLabel label, CancellationToken ct)
    {
        int d = source.Columns;
        var stats = new GaussianStatistics(k, d, true);
        var resp = new double[k];
        source.ForEachBlock(rows, (at, count, x) =>
        {
            for (int i = 0; i < count; i++)
            {
                var row = x.AsSpan(i * d, d);
                int l = label(at + i, row);
                resp[l] = 1;
                EStepKernels.AccumulateRow(row, resp, stats);
                resp[l] = 0;
            }
        }, ct);
        return stats;
    }
}
