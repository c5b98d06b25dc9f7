using Probabilistic.Core.Inference;

namespace Probabilistic.Core.Tests;

public class ElboDriverTests
{
    /// <summary>An optimiser that replays a fixed sequence of ELBO values.</summary>
    private sealed class Scripted(double[] values, bool monotone = true, long observations = 1, double[]? heldOut = null) : IElboOptimizer
    {
        public int Calls { get; private set; }
        public Action<int>? OnStep { get; init; }
        public double Step(CancellationToken ct)
        {
            OnStep?.Invoke(Calls);
            ct.ThrowIfCancellationRequested();
            return values[Calls++];
        }
        public bool IsMonotone => monotone;
        public long ObservationCount => observations;
        public double? HeldOutElboPerObservation => heldOut is null ? null : heldOut[Calls - 1];
    }

    /// <summary>Records every report synchronously (Progress&lt;T&gt; would post to a thread pool).</summary>
    private sealed class Recorder : IProgress<ElboStep>
    {
        public List<ElboStep> Steps { get; } = [];
        public void Report(ElboStep value) => Steps.Add(value);
    }

    [Fact]
    public void Stops_when_the_relative_change_falls_under_the_tolerance()
    {
        // Changes: 5, 0.5, 0.05, 0.005; with |ELBO| ≈ 100 and tol 1e-4 the threshold is ≈ 0.01, first met by 0.005 at step 5.
        var opt = new Scripted([-110, -105, -104.5, -104.45, -104.445, -104.4449]);
        var trace = ElboDriver.Fit(opt, new FitOptions(MaxIterations: 50, Tolerance: 1e-4));
        Assert.Equal(StopReason.Converged, trace.StopReason);
        Assert.True(trace.Count == 5, $"expected convergence at step 5, stopped after {trace.Count}");
        Assert.Equal(-104.445, trace.FinalElbo, 12);
    }

    [Fact]
    public void Zero_tolerance_runs_exactly_max_iterations()
    {
        var values = Enumerable.Repeat(-3.0, 7).ToArray();
        var trace = ElboDriver.Fit(new Scripted(values), new FitOptions(MaxIterations: 7, Tolerance: 0));
        Assert.Equal(StopReason.MaxIterations, trace.StopReason);
        Assert.Equal(7, trace.Count);
    }

    [Fact]
    public void Stops_at_max_iterations_when_still_improving()
    {
        var trace = ElboDriver.Fit(new Scripted([-10, -9, -8, -7, -6]), new FitOptions(MaxIterations: 3, Tolerance: 1e-6));
        Assert.Equal(StopReason.MaxIterations, trace.StopReason);
        Assert.Equal(3, trace.Count);
        Assert.Equal([-10.0, -9.0, -8.0], trace.Select(s => s.Elbo).ToArray());
    }

    [Fact]
    public void Cancellation_before_a_step_returns_the_steps_run_so_far()
    {
        using var cts = new CancellationTokenSource();
        var opt = new Scripted([-10, -9, -8, -7, -6]) { OnStep = i => { if (i == 2) cts.Cancel(); } };
        var trace = ElboDriver.Fit(opt, new FitOptions(MaxIterations: 5, Tolerance: 0), cts.Token);
        Assert.Equal(StopReason.Cancelled, trace.StopReason);
        Assert.True(trace.Count == 2, $"two steps completed before the cancelled third, got {trace.Count}");
    }

    [Fact]
    public void Cancellation_already_requested_runs_no_step()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var opt = new Scripted([-1]);
        var trace = ElboDriver.Fit(opt, new FitOptions(), cts.Token);
        Assert.Equal(StopReason.Cancelled, trace.StopReason);
        Assert.Equal(0, opt.Calls);
    }

    [Fact]
    public void A_decreasing_monotone_trace_raises_with_the_iteration()
    {
        var opt = new Scripted([-10, -9, -9.5, -9]);
        var e = Assert.Throws<ElboDecreasedException>(() => ElboDriver.Fit(opt, new FitOptions(Tolerance: 0)));
        Assert.Contains("iteration 3", e.Message);
        Assert.Equal(StopReason.Decreased, e.Trace.StopReason);
        Assert.Equal(3, e.Trace.Count);
    }

    [Fact]
    public void A_decrease_within_rounding_is_accepted()
    {
        // 1e-12 relative is reordered-summation noise, well under the default slack of 1e-9.
        var trace = ElboDriver.Fit(new Scripted([-10, -9, -9 - 9e-12, -8]), new FitOptions(MaxIterations: 4, Tolerance: 0));
        Assert.Equal(4, trace.Count);
    }

    [Fact]
    public void A_non_monotone_optimiser_may_go_down()
    {
        var trace = ElboDriver.Fit(new Scripted([-10, -9, -9.5, -9], monotone: false), new FitOptions(MaxIterations: 4, Tolerance: 0));
        Assert.Equal(StopReason.MaxIterations, trace.StopReason);
        Assert.Equal(-9.5, trace[2].Elbo);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.PositiveInfinity)]
    public void A_non_finite_elbo_raises(double bad)
    {
        var e = Assert.Throws<NonFiniteElboException>(() => ElboDriver.Fit(new Scripted([-10, bad, -8]), new FitOptions(Tolerance: 0)));
        Assert.Equal(StopReason.NonFinite, e.Trace.StopReason);
        Assert.Contains("iteration 2", e.Message);
    }

    [Fact]
    public void Progress_is_reported_once_per_step_in_order_with_per_observation_values()
    {
        var recorder = new Recorder();
        var trace = ElboDriver.Fit(new Scripted([-40, -30, -20, -10], observations: 10), new FitOptions(MaxIterations: 4, Tolerance: 0, Progress: recorder));
        Assert.Equal(4, recorder.Steps.Count);
        Assert.Equal([1, 2, 3, 4], recorder.Steps.Select(s => s.Iteration).ToArray());
        Assert.Equal([-4.0, -3.0, -2.0, -1.0], recorder.Steps.Select(s => s.ElboPerObservation).ToArray());
        Assert.Equal(trace.ToArray(), recorder.Steps.ToArray());
        Assert.All(trace, s => Assert.True(s.Elapsed >= TimeSpan.Zero, "each step carries its own non-negative wall time"));
    }

    [Fact]
    public void Early_stopping_on_held_out_elbo_after_patience_steps_without_improvement()
    {
        double[] heldOut = [-5, -4, -4.1, -4.2, -3.0, -2.0];
        var opt = new Scripted([-10, -9, -8, -7, -6, -5], monotone: false, heldOut: heldOut);
        var trace = ElboDriver.Fit(opt, new FitOptions(MaxIterations: 6, Tolerance: 0, Patience: 2));
        Assert.Equal(StopReason.EarlyStopped, trace.StopReason);
        Assert.True(trace.Count == 4, $"best held-out at step 2, two steps without improvement -> stop after step 4, got {trace.Count}");
        Assert.Equal(-4.2, trace[^1].HeldOutElboPerObservation);
    }

    [Fact]
    public void Invalid_options_are_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ElboDriver.Fit(new Scripted([-1]), new FitOptions(MaxIterations: 0)));
        Assert.Equal("MaxIterations", e.ParamName);
        var t = Assert.Throws<ArgumentOutOfRangeException>(() => ElboDriver.Fit(new Scripted([-1]), new FitOptions(Tolerance: -1)));
        Assert.Equal("Tolerance", t.ParamName);
    }

    [Fact]
    public void Trace_summary_names_stop_reason_and_kind_of_value()
    {
        var trace = ElboTrace.FromSteps([new ElboStep(1, -2, -1, TimeSpan.FromMilliseconds(3))], StopReason.Converged, isBound: false, observationCount: 2);
        Assert.Contains("Converged", trace.ToString());
        Assert.Contains("log-evidence estimate", trace.ToString());
        Assert.Contains("-2", trace.ToTable());
    }

    [Fact]
    public void The_trace_records_the_given_seed_or_the_one_it_drew()
    {
        Assert.Equal(42, ElboDriver.Fit(new Scripted([-1]), new FitOptions(MaxIterations: 1, Seed: 42)).Seed);
        // A null seed is drawn and recorded (FitOptions' contract), not silently recorded as 0: over 20 fits the chance
        // that Random.Shared draws 0 every time is 2^-620.
        var drawn = Enumerable.Range(0, 20).Select(_ => ElboDriver.Fit(new Scripted([-1]), new FitOptions(MaxIterations: 1)).Seed).ToArray();
        Assert.True(drawn.Any(s => s != 0), $"20 fits without a seed all recorded {drawn[0]}");
    }

    /// <summary>An optimiser whose ELBO sequence is chosen by its seed, to check which restart <c>FitBest</c> keeps.</summary>
    private sealed class Seeded(int seed, double final) : IElboOptimizer, IDisposable
    {
        public int Seed { get; } = seed;
        public bool Disposed { get; private set; }
        private int _calls;
        public double Step(CancellationToken ct) => ++_calls == 1 ? final - 1 : final;
        public bool IsMonotone => true;
        public long ObservationCount => 1;
        public void Dispose() => Disposed = true;
    }

    [Fact]
    public void FitBest_keeps_the_restart_with_the_highest_final_elbo_and_disposes_the_others()
    {
        var made = new List<Seeded>();
        double[] finals = [-7, -3, -5];
        var best = ElboDriver.FitBest(3, seed => { var o = new Seeded(seed, finals[made.Count]); made.Add(o); return o; },
            new FitOptions(MaxIterations: 2, Tolerance: 0, Seed: 11));
        Assert.Equal(1, best.Restart);
        Assert.Same(made[1], best.Optimizer);
        Assert.Equal(-3, best.Trace.FinalElbo);
        Assert.Equal(3, best.Restarts.Count);
        // Restart r draws its start from Rng.Derive(seed, r), and its trace records that seed.
        Assert.Equal([Numerics.Rng.Derive(11, 0), Numerics.Rng.Derive(11, 1), Numerics.Rng.Derive(11, 2)], made.Select(m => m.Seed));
        Assert.Equal(made[1].Seed, best.Trace.Seed);
        Assert.True(made[0].Disposed && made[2].Disposed && !made[1].Disposed, "the losing restarts are disposed, the kept one is not");
    }

    [Fact]
    public void FitBest_keeps_the_earliest_of_restarts_that_tie_within_rounding()
    {
        // The same optimum reached twice ends within rounding (here 1e-13 relative): the first restart stays, whatever the
        // last bits say. A real improvement of 1e-8 relative still wins.
        double[] finals = [-1000, -1000 * (1 - 1e-13), -1000 * (1 - 1e-8)];
        var made = new List<Seeded>();
        var best = ElboDriver.FitBest(2, seed => { var o = new Seeded(seed, finals[made.Count]); made.Add(o); return o; },
            new FitOptions(MaxIterations: 2, Tolerance: 0, Seed: 3));
        Assert.Equal(0, best.Restart);
        made.Clear();
        finals = [finals[0], finals[2]];
        Assert.Equal(1, ElboDriver.FitBest(2, seed => { var o = new Seeded(seed, finals[made.Count]); made.Add(o); return o; },
            new FitOptions(MaxIterations: 2, Tolerance: 0, Seed: 3)).Restart);
    }

    [Fact]
    public void FitBest_with_one_restart_is_a_plain_fit_with_the_same_seed()
    {
        int seen = -1;
        var best = ElboDriver.FitBest(1, seed => { seen = seed; return new Seeded(seed, -1); }, new FitOptions(MaxIterations: 2, Tolerance: 0, Seed: 5));
        Assert.Equal(5, seen);
        Assert.Equal(5, best.Trace.Seed);
    }
}
