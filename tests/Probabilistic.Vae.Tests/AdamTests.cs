using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Probabilistic.Vae.Tests;

/// <summary>The fused CPU Adam against TorchSharp's Adam, an independent implementation of the same update (PyTorch's).</summary>
public class AdamTests
{
    /// <summary>Two copies of the same parameters (sizes that leave a remainder after SIMD vectors and span several work blocks).</summary>
    private static Parameter[] Parameters(int seed)
    {
        using var g = new Generator((ulong)seed);
        return [new Parameter(randn([300, 257], generator: g)), new Parameter(randn([7], generator: g)), new Parameter(randn([3, 3], generator: g))];
    }

    /// <summary>A loss whose gradients differ in scale across entries (so the per-entry step sizes differ), on fixed data.</summary>
    private static Tensor Loss(Parameter[] ps, int step)
    {
        using var g = new Generator((ulong)(1000 + step));
        var total = zeros(1);
        foreach (var p in ps)
        {
            var target = randn(p.shape, generator: g);
            total = total + ((p - target).square() * (target.abs() + 0.01)).sum() + p.pow(3).mean();
        }
        return total;
    }

    [Fact]
    public void FusedCpuAdamMatchesTorchSharpAdamOverSeveralSteps()
    {
        int seed = TestData.Seed;
        var fused = Parameters(seed);
        var reference = Parameters(seed);
        using var ours = new CpuAdam(fused, learningRate: 0.01);
        using var theirs = new TorchAdam(reference, learningRate: 0.01);
        for (int step = 1; step <= 5; step++)
        {
            foreach (var (opt, ps) in new (IParameterOptimizer, Parameter[])[] { (ours, fused), (theirs, reference) })
            {
                using var scope = NewDisposeScope();
                opt.ZeroGrad();
                Loss(ps, step).backward();
                opt.Step();
            }
            for (int i = 0; i < fused.Length; i++)
            {
                using var _ = no_grad();
                double diff = (fused[i] - reference[i]).abs().max().item<float>();
                double moved = (reference[i] - Parameters(seed)[i]).abs().max().item<float>();
                Assert.True(diff <= 1e-5 * Math.Max(1, moved),
                    $"seed {seed}, step {step}, parameter {i}: fused and TorchSharp Adam differ by {diff:E2} (the parameter moved by {moved:E2})");
            }
        }
    }

    [Fact]
    public void FusedStepLeavesTheGradientsAtZeroAndZeroGradClearsThoseNoStepConsumed()
    {
        var ps = Parameters(TestData.Seed);
        using var adam = new CpuAdam(ps, learningRate: 1e-3);
        adam.ZeroGrad();
        Loss(ps, 1).backward();
        adam.Step();
        AssertGradientsZero(ps, "after a fused step every gradient should be zero");
        adam.ZeroGrad();           // the next batch: free, the step left the gradients at zero
        Loss(ps, 2).backward();   // a backward pass that no step follows (an interrupted batch)
        adam.ZeroGrad();           // so this one must clear them
        AssertGradientsZero(ps, "ZeroGrad after an unstepped backward pass should clear the gradients");
    }

    private static void AssertGradientsZero(Parameter[] ps, string message)
    {
        for (int i = 0; i < ps.Length; i++)
        {
            using var grad = ps[i].grad!;
            double largest = grad.abs().max().item<float>();
            Assert.True(largest == 0, $"{message}; parameter {i} has a gradient entry of {largest:E2}");
        }
    }
}
