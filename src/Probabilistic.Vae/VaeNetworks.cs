using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Probabilistic.Vae;

/// <summary>The encoder and decoder of one VAE, as one TorchSharp module so that its state saves and loads as a whole.</summary>
/// <remarks>Data enter and leave flat, [..., Height·Width]; the convolutional body reshapes internally.</remarks>
internal sealed class VaeNetwork : Module
{
    private readonly Module<Tensor, Tensor> encoderBody;
    private readonly Linear encoderMean;
    private readonly Linear encoderLogVariance;
    private readonly Module<Tensor, Tensor> decoderBody;
    private readonly Parameter? outputLogVariance;

    public VaeArchitecture Architecture { get; }

    public VaeNetwork(VaeArchitecture a) : base("vae")
    {
        a.Validate();
        Architecture = a;
        int last;
        if (a.Kind == NetworkKind.Mlp)
        {
            encoderBody = MlpBody(a.InputSize, a.HiddenSizes, out last);
            encoderMean = Linear(last, a.LatentSize);
            encoderLogVariance = Linear(last, a.LatentSize);
            decoderBody = MlpDecoder(a.LatentSize, a.HiddenSizes.Reverse().ToArray(), a.InputSize);
        }
        else
        {
            encoderBody = new ConvEncoderBody(a, out last);
            encoderMean = Linear(last, a.LatentSize);
            encoderLogVariance = Linear(last, a.LatentSize);
            decoderBody = new ConvDecoderBody(a);
        }
        if (a.Likelihood == DecoderLikelihood.Gaussian)
            outputLogVariance = Parameter(zeros(a.InputSize));
        RegisterComponents();
    }

    /// <summary>q(z|x): mean and log-variance, [..., Latent] each.</summary>
    public (Tensor Mean, Tensor LogVariance) Encode(Tensor x)
    {
        using var h = encoderBody.call(x);
        return (encoderMean.call(h), encoderLogVariance.call(h));
    }

    /// <summary>The decoder's raw output: Bernoulli logits or Gaussian means, [..., Height·Width].</summary>
    public Tensor DecodeRaw(Tensor z) => decoderBody.call(z);

    /// <summary>log p(x | z) per example from the decoder's raw output.</summary>
    public Tensor LogLikelihood(Tensor raw, Tensor x) => Architecture.Likelihood == DecoderLikelihood.Bernoulli
        ? ElboMath.BernoulliLogLikelihood(raw, x)
        : ElboMath.GaussianLogLikelihood(raw, outputLogVariance!.expand_as(raw), x);

    /// <summary>Mean of p(x | z) in data space: sigmoid of the logits, or the Gaussian mean.</summary>
    public Tensor MeanFromRaw(Tensor raw) => Architecture.Likelihood == DecoderLikelihood.Bernoulli ? raw.sigmoid() : raw.alias();

    /// <summary>Re-draws every weight and bias from PyTorch's default U(−1/√fan_in, 1/√fan_in) with a seeded generator.</summary>
    public void Initialize(Generator generator)
    {
        using var _ = no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("outputLogVariance", StringComparison.Ordinal)) { p.zero_(); continue; }
            long fanIn = FanIn(name, p);
            double bound = 1.0 / Math.Sqrt(fanIn);
            p.uniform_(-bound, bound, generator);
        }
    }

    private long FanIn(string name, Tensor p)
    {
        // Linear weight [out, in]; Conv2d weight [out, in, k, k]; ConvTranspose2d weight [in, out, k, k] (fan_in from dim 1, as PyTorch).
        // A bias takes the fan-in of its layer's weight.
        var weightName = name.EndsWith(".bias", StringComparison.Ordinal) ? name[..^5] + ".weight" : name;
        var w = p.dim() == 1 && weightName != name ? named_parameters().First(t => t.name == weightName).parameter : p;
        long receptive = 1;
        for (int d = 2; d < w.dim(); d++) receptive *= w.shape[d];
        return w.shape[1] * receptive;
    }

    private static Sequential MlpBody(int input, int[] hidden, out int last)
    {
        var layers = new List<Module<Tensor, Tensor>>();
        last = input;
        foreach (var h in hidden) { layers.Add(Linear(last, h)); layers.Add(ReLU()); last = h; }
        return Sequential(layers);
    }

    private static Sequential MlpDecoder(int latent, int[] hidden, int output)
    {
        var body = MlpBody(latent, hidden, out int last);
        body.append(Linear(last, output));
        return body;
    }
}

/// <summary>conv(1→c1, 4, stride 2, pad 1) → ReLU → conv(c1→c2, 4, 2, 1) → ReLU → flatten → fully connected layers.</summary>
internal sealed class ConvEncoderBody : Module<Tensor, Tensor>
{
    private readonly Sequential convs;
    private readonly Sequential dense;
    private readonly int height, width;

    public ConvEncoderBody(VaeArchitecture a, out int last) : base("convEncoder")
    {
        (height, width) = (a.Height, a.Width);
        int c1 = a.ConvChannels![0], c2 = a.ConvChannels[1];
        convs = Sequential(Conv2d(1, c1, 4, stride: 2, padding: 1), ReLU(), Conv2d(c1, c2, 4, stride: 2, padding: 1), ReLU());
        int flat = c2 * (a.Height / 4) * (a.Width / 4);
        var layers = new List<Module<Tensor, Tensor>>();
        last = flat;
        foreach (var h in a.HiddenSizes) { layers.Add(Linear(last, h)); layers.Add(ReLU()); last = h; }
        dense = Sequential(layers);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var lead = x.shape[..^1];
        var images = x.reshape(-1, 1, height, width);
        var h = convs.call(images).flatten(1);
        var y = dense.call(h);
        return y.reshape([.. lead, y.shape[^1]]).MoveToOuterDisposeScope();
    }
}

/// <summary>The mirror of <see cref="ConvEncoderBody"/>: fully connected layers → reshape → two stride-2 transposed convolutions.</summary>
internal sealed class ConvDecoderBody : Module<Tensor, Tensor>
{
    private readonly Sequential dense;
    private readonly Sequential deconvs;
    private readonly int c2, h4, w4;

    public ConvDecoderBody(VaeArchitecture a) : base("convDecoder")
    {
        int c1 = a.ConvChannels![0];
        c2 = a.ConvChannels[1];
        (h4, w4) = (a.Height / 4, a.Width / 4);
        var layers = new List<Module<Tensor, Tensor>>();
        int last = a.LatentSize;
        foreach (var h in a.HiddenSizes.Reverse()) { layers.Add(Linear(last, h)); layers.Add(ReLU()); last = h; }
        layers.Add(Linear(last, c2 * h4 * w4));
        layers.Add(ReLU());
        dense = Sequential(layers);
        deconvs = Sequential(ConvTranspose2d(c2, c1, 4, stride: 2, padding: 1), ReLU(), ConvTranspose2d(c1, 1, 4, stride: 2, padding: 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var lead = z.shape[..^1];
        var h = dense.call(z.reshape(-1, z.shape[^1])).reshape(-1, c2, h4, w4);
        var y = deconvs.call(h).flatten(1);
        return y.reshape([.. lead, y.shape[^1]]).MoveToOuterDisposeScope();
    }
}
