using Probabilistic.Core.Inference;

namespace Probabilistic.FactorGraphs.Tests;

/// <summary>InferenceEngine's progress (IProgress and Infer.NET's ProgressChanged event) and cancellation.</summary>
public class EngineProgressTests
{
    private static (Variable<double> Mean, Variable<double> Precision) Model()
    {
        var rng = new Random(4);
        double[] data = Enumerable.Range(0, 50).Select(_ => 2 + MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1)).ToArray();
        var mean = Variable.GaussianFromMeanAndVariance(0, 100).Named("mean");
        var precision = Variable.GammaFromShapeAndScale(1, 1).Named("precision");
        Range n = new Range(data.Length);
        var x = Variable.Array<double>(n);
        x[n] = Variable.GaussianFromMeanAndPrecision(mean, precision).ForEach(n);
        x.ObservedValue = data;
        return (mean, precision);
    }

    [Fact]
    public void EverySweep_IsReported_ThroughProgressAndTheEvent_WithTheTracesValues()
    {
        var (mean, _) = Model();
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 12 };
        var steps = new List<ElboStep>();
        var events = new List<InferenceProgressEventArgs>();
        engine.Progress = new Recorder(steps.Add);
        engine.ProgressChanged += (sender, e) => { Assert.Same(engine, sender); events.Add(e); };
        engine.Infer<Gaussian>(mean);
        var trace = engine.LastTrace!;
        Assert.Equal(12, steps.Count);
        Assert.Equal(Enumerable.Range(0, 12), events.Select(e => e.Iteration));
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(trace[i].Elbo, steps[i].Elbo);
            Assert.Equal(trace[i].Elbo, events[i].Elbo);
        }
    }

    [Fact]
    public void Cancelled_Inference_Throws_AndTheNextRunGivesTheUncancelledAnswer()
    {
        var (mean, precision) = Model();
        var engine = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 40 };
        using var cts = new CancellationTokenSource();
        engine.ProgressChanged += (_, e) => { if (e.Iteration == 3) cts.Cancel(); };
        Assert.ThrowsAny<OperationCanceledException>(() => engine.Infer<Gaussian>(mean, cts.Token));
        // the cancelled run is not kept: asking again runs all 40 sweeps
        var again = engine.Infer<Gaussian>(mean);
        Assert.Equal(40, engine.LastTrace!.Count);
        var (mean2, _) = Model();
        var fresh = new InferenceEngine(new VariationalMessagePassing()) { NumberOfIterations = 40 }.Infer<Gaussian>(mean2);
        Assert.Equal(fresh.GetMean(), again.GetMean(), 12);
        Assert.Equal(fresh.GetVariance(), again.GetVariance(), 12);
        _ = precision;
    }

    private sealed class Recorder(Action<ElboStep> report) : IProgress<ElboStep>
    {
        public void Report(ElboStep value) => report(value);
    }
}
