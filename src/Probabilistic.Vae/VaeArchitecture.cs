namespace Probabilistic.Vae;

/// <summary>The likelihood p(x | z) the decoder parameterises.</summary>
public enum DecoderLikelihood
{
    /// <summary>Independent Bernoulli per dimension, decoder outputs logits; for binary or [0, 1] data
    /// (on grey levels this is the cross-entropy objective of the PyTorch example, not a normalised density).</summary>
    Bernoulli,
    /// <summary>Independent Gaussian per dimension: decoder outputs the mean, a learned log-variance per dimension.</summary>
    Gaussian,
}

/// <summary>Encoder/decoder body.</summary>
public enum NetworkKind
{
    /// <summary>Fully connected layers with ReLU (the PyTorch example's 784-400-20 is <c>Hidden = [400], Latent = 20</c>).</summary>
    Mlp,
    /// <summary>Two stride-2 4×4 convolutions (then <see cref="VaeArchitecture.HiddenSizes"/> fully connected layers) and
    /// the mirror image with transposed convolutions; images only, height and width divisible by 4.</summary>
    Convolutional,
}

/// <summary>Everything needed to rebuild a VAE's networks: written into the model file's header.</summary>
/// <param name="Kind">MLP or convolutional.</param>
/// <param name="Height">Image height (1 for plain vectors).</param>
/// <param name="Width">Image width (the vector length for plain vectors).</param>
/// <param name="HiddenSizes">Fully connected hidden layer sizes, encoder order (the decoder mirrors them).</param>
/// <param name="LatentSize">Dimension of z.</param>
/// <param name="Likelihood">Bernoulli (logits) or Gaussian decoder.</param>
/// <param name="ConvChannels">Channels of the two convolutions (convolutional kind only).</param>
public sealed record VaeArchitecture(
    NetworkKind Kind,
    int Height,
    int Width,
    int[] HiddenSizes,
    int LatentSize,
    DecoderLikelihood Likelihood = DecoderLikelihood.Bernoulli,
    int[]? ConvChannels = null)
{
    /// <summary>Values per example (height × width).</summary>
    public int InputSize => Height * Width;

    /// <summary>The PyTorch example's MLP: 784-400-20 with a Bernoulli decoder.</summary>
    public static VaeArchitecture Mlp(int height, int width, int hidden = 400, int latent = 20,
        DecoderLikelihood likelihood = DecoderLikelihood.Bernoulli) =>
        new(NetworkKind.Mlp, height, width, [hidden], latent, likelihood);

    /// <summary>A small convolutional VAE: conv 32, conv 64, then <paramref name="hidden"/> units.</summary>
    public static VaeArchitecture Convolutional(int height, int width, int hidden = 256, int latent = 20,
        DecoderLikelihood likelihood = DecoderLikelihood.Bernoulli) =>
        new(NetworkKind.Convolutional, height, width, [hidden], latent, likelihood, [32, 64]);

    /// <summary>Throws naming the first field that cannot make a network.</summary>
    public void Validate()
    {
        if (Height < 1 || Width < 1) throw new ArgumentException($"Data shape {Height}×{Width} must be positive.");
        if ((long)Height * Width > int.MaxValue) throw new ArgumentException($"Data shape {Height}×{Width} has more values than one example can hold.");
        if (!Enum.IsDefined(Kind)) throw new ArgumentException($"Unknown network kind {(int)Kind}; use Mlp or Convolutional.");
        if (!Enum.IsDefined(Likelihood)) throw new ArgumentException($"Unknown decoder likelihood {(int)Likelihood}; use Bernoulli or Gaussian.");
        if (LatentSize < 1) throw new ArgumentException($"Latent size {LatentSize} must be at least 1.");
        if (HiddenSizes is null || HiddenSizes.Any(h => h < 1))
            throw new ArgumentException($"Hidden sizes [{string.Join(", ", HiddenSizes ?? [])}] must all be at least 1.");
        if (Kind == NetworkKind.Convolutional)
        {
            if (Height % 4 != 0 || Width % 4 != 0)
                throw new ArgumentException($"The convolutional VAE needs height and width divisible by 4; the data are {Height}×{Width}.");
            if (ConvChannels is not { Length: 2 } || ConvChannels.Any(c => c < 1))
                throw new ArgumentException("The convolutional VAE needs exactly two positive channel counts (ConvChannels).");
        }
    }

    /// <summary>
    /// The number of trainable scalars the networks of this architecture hold, computed from the sizes alone (in double
    /// precision, so sizes from a hostile file cannot overflow): what a model file's state must contain, and what
    /// memory a network needs, known before anything is allocated.
    /// </summary>
    public double ParameterCount()
    {
        static double Dense(double input, IEnumerable<int> sizes, out double last)
        {
            double n = 0;
            last = input;
            foreach (var h in sizes) { n += (last + 1) * h; last = h; }
            return n;
        }
        double count, lastEnc;
        var hidden = HiddenSizes ?? [];
        if (Kind == NetworkKind.Mlp)
        {
            count = Dense(InputSize, hidden, out lastEnc) + 2 * (lastEnc + 1) * LatentSize;
            count += Dense(LatentSize, hidden.Reverse(), out double lastDec) + (lastDec + 1) * InputSize;
        }
        else
        {
            double c1 = ConvChannels is { Length: 2 } ? ConvChannels[0] : 0, c2 = ConvChannels is { Length: 2 } ? ConvChannels[1] : 0;
            double flat = c2 * (Height / 4) * (Width / 4);
            count = (16 + 1) * c1 + (c1 * 16 + 1) * c2 + Dense(flat, hidden, out lastEnc) + 2 * (lastEnc + 1) * LatentSize;
            count += Dense(LatentSize, hidden.Reverse(), out double lastDec) + (lastDec + 1) * flat;
            count += c2 * c1 * 16 + c1 + c1 * 16 + 1;
        }
        if (Likelihood == DecoderLikelihood.Gaussian) count += InputSize;
        return count;
    }

    /// <summary>A one-line description, e.g. <c>MLP 784-400-20 Bernoulli</c>.</summary>
    public override string ToString() => Kind == NetworkKind.Mlp
        ? $"MLP {InputSize}-{string.Join("-", HiddenSizes)}-{LatentSize} {Likelihood}"
        : $"Conv {Height}x{Width} c{string.Join("/", ConvChannels ?? [])}-{string.Join("-", HiddenSizes)}-{LatentSize} {Likelihood}";
}
