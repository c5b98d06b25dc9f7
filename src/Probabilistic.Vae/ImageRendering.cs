namespace Probabilistic.Vae;

/// <summary>Turns VAE data and latent codes into pixel buffers for <see cref="PngWriter"/>.</summary>
public static class ImageRendering
{
    /// <summary>Ten distinguishable colours (matplotlib's tab10), one per MNIST digit.</summary>
    private static readonly (byte R, byte G, byte B)[] Palette =
    [
        (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
        (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
    ];

    /// <summary>
    /// Tiles the examples (values clamped to [0, 1], 1 = white) in a grid <paramref name="columns"/> wide with
    /// <paramref name="padding"/> black pixels between tiles. Returns the greyscale image and its size.
    /// </summary>
    public static (byte[] Pixels, int Width, int Height) Grid(VaeDataset images, int columns = 8, int padding = 2)
    {
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "At least one column.");
        columns = Math.Max(1, Math.Min(columns, images.Count));
        int rows = (images.Count + columns - 1) / columns;
        int h = images.Height, w = images.Width;
        long wide = (long)columns * w + (columns + 1L) * padding, high = (long)rows * h + (rows + 1L) * padding;
        if (wide > int.MaxValue || high > int.MaxValue || wide * high > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(images), images.Count, $"A grid of {images.Count} images of {h}×{w} in {columns} columns is {wide}×{high} pixels, more than one image holds.");
        int width = (int)wide, height = (int)high;
        var pixels = new byte[width * height];
        for (int i = 0; i < images.Count; i++)
        {
            int top = padding + (i / columns) * (h + padding), left = padding + (i % columns) * (w + padding);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    float v = images.Values[i * h * w + y * w + x];
                    pixels[(top + y) * width + left + x] = (byte)Math.Round(255 * Math.Clamp(v, 0f, 1f));
                }
        }
        return (pixels, width, height);
    }

    /// <summary>Originals above their reconstructions, in pairs of rows, <paramref name="columns"/> wide.</summary>
    public static VaeDataset Interleave(VaeDataset originals, VaeDataset reconstructions, int columns)
    {
        int n = Math.Min(originals.Count, reconstructions.Count), d = originals.Dimension;
        var values = new List<float>();
        for (int start = 0; start < n; start += columns)
        {
            int c = Math.Min(columns, n - start);
            values.AddRange(originals.Values.AsSpan(start * d, c * d).ToArray());
            values.AddRange(new float[(columns - c) * d]);
            values.AddRange(reconstructions.Values.AsSpan(start * d, c * d).ToArray());
            values.AddRange(new float[(columns - c) * d]);
        }
        return new VaeDataset(values.ToArray(), values.Count / d, originals.Height, originals.Width);
    }

    /// <summary>
    /// A scatter plot of 2-D points (row-major x, y) on a white <paramref name="size"/>² canvas, each a 3×3 dot coloured
    /// by its label (grey without labels); axes span the data's range with a 5 % margin. Returns RGB bytes.
    /// </summary>
    public static byte[] Scatter(ReadOnlySpan<float> points, byte[]? labels, int size = 512)
    {
        int n = points.Length / 2;
        var rgb = new byte[size * size * 3];
        Array.Fill(rgb, (byte)255);
        if (n == 0) return rgb;
        float minX = float.MaxValue, maxX = float.MinValue, minY = float.MaxValue, maxY = float.MinValue;
        for (int i = 0; i < n; i++)
        {
            minX = Math.Min(minX, points[2 * i]); maxX = Math.Max(maxX, points[2 * i]);
            minY = Math.Min(minY, points[2 * i + 1]); maxY = Math.Max(maxY, points[2 * i + 1]);
        }
        float spanX = Math.Max(maxX - minX, 1e-6f) * 1.1f, spanY = Math.Max(maxY - minY, 1e-6f) * 1.1f;
        float x0 = minX - 0.05f * spanX / 1.1f, y0 = minY - 0.05f * spanY / 1.1f;
        for (int i = 0; i < n; i++)
        {
            int px = (int)((points[2 * i] - x0) / spanX * (size - 1));
            int py = size - 1 - (int)((points[2 * i + 1] - y0) / spanY * (size - 1));
            var c = labels is null ? ((byte)80, (byte)80, (byte)80) : Palette[labels[i] % Palette.Length];
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int x = px + dx, y = py + dy;
                    if (x < 0 || y < 0 || x >= size || y >= size) continue;
                    int o = (y * size + x) * 3;
                    (rgb[o], rgb[o + 1], rgb[o + 2]) = c;
                }
        }
        return rgb;
    }
}
