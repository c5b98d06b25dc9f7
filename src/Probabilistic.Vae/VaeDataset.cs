using Probabilistic.Core;
using Probabilistic.Core.Data;

namespace Probabilistic.Vae;

/// <summary>Examples for a VAE: <see cref="Count"/> rows of <see cref="Height"/>·<see cref="Width"/> float32 values, row-major.</summary>
/// <param name="Values">Row-major values, Count × Height·Width.</param>
/// <param name="Count">Number of examples.</param>
/// <param name="Height">Image height (1 for plain vectors).</param>
/// <param name="Width">Image width (vector length for plain vectors).</param>
/// <param name="Labels">Optional class label per example (MNIST digits), for latent-space plots.</param>
public sealed record VaeDataset(float[] Values, int Count, int Height, int Width, byte[]? Labels = null)
{
    /// <summary>Values per example.</summary>
    public int Dimension => Height * Width;

    /// <summary>The images as a double-precision table, one row per image (pixels row-major).</summary>
    public Core.Data.NumericTable ToTable() => Core.Data.NumericTable.FromSingles(Values, Count, Height * Width);

    /// <summary>Images from a table of <paramref name="height"/>·<paramref name="width"/> columns (converted to single precision).</summary>
    public static VaeDataset FromTable(Core.Data.NumericTable table, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.Columns != height * width)
            throw new ArgumentException($"The table has {table.Columns} columns; {height}×{width} images need {height * width}.", nameof(table));
        return new VaeDataset(table.ToSingles(), table.Rows, height, width);
    }

    /// <summary>Throws when the sizes disagree or a value is not finite, naming the example and position.</summary>
    public VaeDataset Validated(string name)
    {
        if (Count < 1) throw new ArgumentException($"{name}: the data set is empty.");
        if ((long)Count * Dimension != Values.Length)
            throw new ArgumentException($"{name}: {Values.Length} values do not make {Count} examples of {Height}×{Width}.");
        if (Labels is not null && Labels.Length != Count)
            throw new ArgumentException($"{name}: {Labels.Length} labels for {Count} examples.");
        for (int i = 0; i < Values.Length; i++)
            if (!float.IsFinite(Values[i]))
                throw new ArgumentException($"{name}: example {i / Dimension}, value {i % Dimension} is {Values[i]}; the VAE needs finite data.");
        return this;
    }

    /// <summary>The first <paramref name="count"/> examples.</summary>
    public VaeDataset Take(int count)
    {
        count = Math.Min(count, Count);
        return new VaeDataset(Values[..(count * Dimension)], count, Height, Width, Labels?[..count]);
    }
}

/// <summary>Which half of MNIST.</summary>
public enum MnistSplit
{
    /// <summary>train-images-idx3-ubyte, train-labels-idx1-ubyte (60,000).</summary>
    Train,
    /// <summary>t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (10,000).</summary>
    Test,
}

/// <summary>
/// MNIST from its four IDX files (raw or .gz) in one folder, pixels scaled to [0, 1]. The image header is read first:
/// an empty set, a shape that is not count × rows × columns, labels that do not match, or more pixels than the
/// <see cref="MemoryBudget"/> or one array allows are refused before the pixels are read.
/// </summary>
public static class MnistData
{
    /// <summary>The four file names (each may also end in .gz).</summary>
    public static readonly string[] FileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The MNIST files present in <paramref name="directory"/> (for checks that an output overwrites none of them).</summary>
    public static IReadOnlyList<string> ExistingFiles(string directory) =>
        Directory.Exists(directory) ? FileNames.Select(n => TryFind(directory, n)).OfType<string>().ToList() : [];

    /// <summary>The image file of a split and its header (count, rows, columns), read without the pixels.</summary>
    public static (string Path, IdxHeader Header) ImageHeader(string directory, MnistSplit split)
    {
        var path = Find(directory, $"{Prefix(split)}-images-idx3-ubyte");
        var header = IdxReader.ReadHeader(path);
        if (header.Shape.Length != 3)
            throw new DataFormatException(path, null, $"expected 3 dimensions (count, rows, columns), found {header.Shape.Length}");
        if (header.Count == 0) throw new DataFormatException(path, null, "holds no images (its count is 0)");
        if (header.Shape[1] == 0 || header.Shape[2] == 0) throw new DataFormatException(path, null, $"images of {header.Shape[1]}×{header.Shape[2]} pixels hold nothing");
        return (path, header);
    }

    /// <summary>Bytes <see cref="Load"/> needs for <paramref name="count"/> images of <paramref name="pixels"/> values: float32 values and the raw bytes.</summary>
    public static double LoadBytes(long count, long pixels) => count * (double)pixels * 6 + count;

    /// <summary>Reads one split. <paramref name="binarizeSeed"/>: when given, each pixel becomes 1 with probability
    /// equal to its intensity (static binarisation, fixed by the seed); otherwise intensities byte/255 are kept.</summary>
    /// <exception cref="DataFormatException">A file is malformed, empty or truncated, or the labels do not match the images.</exception>
    /// <exception cref="ResourceLimitException">The images need more memory than <paramref name="budget"/> allows.</exception>
    public static VaeDataset Load(string directory, MnistSplit split, int? maxItems = null, int? binarizeSeed = null,
        MemoryBudget? budget = null, CancellationToken cancellationToken = default)
    {
        if (maxItems is < 1) throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, "Read at least one image.");
        var (imagePath, header) = ImageHeader(directory, split);
        long count = Math.Min(maxItems ?? header.Count, header.Count);
        long pixels = header.ItemSize;
        (budget ?? MemoryBudget.Available()).Require(LoadBytes(count, pixels), $"{imagePath}: {count:N0} images of {header.Shape[1]}×{header.Shape[2]}", "the number of images read");
        if (count * pixels > Array.MaxLength)
            throw new DataFormatException(imagePath, null, $"{count:N0} images of {header.Shape[1]}×{header.Shape[2]} are {count * pixels:N0} values, more than one array holds; read at most {Array.MaxLength / pixels:N0} images");
        var images = IdxReader.Read(imagePath, (int)count, budget, cancellationToken);
        byte[]? labels = null;
        var labelPath = TryFind(directory, $"{Prefix(split)}-labels-idx1-ubyte");
        if (labelPath is not null)
        {
            var l = IdxReader.Read(labelPath, (int)count, budget, cancellationToken);
            if (l.Shape.Length != 1)
                throw new DataFormatException(labelPath, null, $"expected 1 dimension (one label per image), found {l.Shape.Length}");
            if (l.Count != images.Count)
                throw new DataFormatException(labelPath, null, $"holds {l.Count} labels for {images.Count} images");
            labels = l.Data;
        }
        var values = new float[images.Data.Length];
        if (binarizeSeed is int seed)
        {
            var rng = Core.Numerics.Rng.Create(seed);
            for (int i = 0; i < values.Length; i++) values[i] = rng.NextDouble() * 255.0 < images.Data[i] ? 1f : 0f;
        }
        else
        {
            for (int i = 0; i < values.Length; i++) values[i] = images.Data[i] / 255f;
        }
        return new VaeDataset(values, images.Count, images.Shape[1], images.Shape[2], labels);
    }

    private static string Prefix(MnistSplit split) => split == MnistSplit.Train ? "train" : "t10k";

    private static string Find(string directory, string name) =>
        TryFind(directory, name) ?? throw new FileNotFoundException(
            $"{directory} holds no {name} or {name}.gz (an MNIST folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally gzipped)",
            Path.Combine(directory, name));

    private static string? TryFind(string directory, string name)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException(File.Exists(directory) ? $"{directory} is a file; --data names a folder holding the MNIST IDX files" : $"No such data folder: {directory}");
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
