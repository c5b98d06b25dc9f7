namespace Probabilistic.Interactive;

/// <summary>The arithmetic behind the plots, as plain functions over arrays (tested on their own).</summary>
public static class PlotGeometry
{
    /// <summary>
    /// Points on the ellipse {x : (x−μ)ᵀ Σ⁻¹ (x−μ) = k²} of a 2-D Gaussian, from the eigen-decomposition of Σ:
    /// x = μ + k (√λ₁ cos t · v₁ + √λ₂ sin t · v₂). The last point repeats the first so the curve closes.
    /// </summary>
    /// <param name="mean">μ, two values.</param>
    /// <param name="covariance">Σ row-major, four values (symmetric, positive definite).</param>
    /// <param name="sigmas">k: 1 for the one-standard-deviation ellipse, 2 for two.</param>
    /// <param name="count">Number of distinct points.</param>
    public static (double[] X, double[] Y) CovarianceEllipse(ReadOnlySpan<double> mean, ReadOnlySpan<double> covariance, double sigmas = 2, int count = 100)
    {
        if (mean.Length != 2) throw new ArgumentException($"A 2-D mean has 2 values, not {mean.Length}.", nameof(mean));
        if (covariance.Length != 4) throw new ArgumentException($"A 2x2 covariance has 4 values (row-major), not {covariance.Length}.", nameof(covariance));
        if (!(sigmas > 0)) throw new ArgumentOutOfRangeException(nameof(sigmas), sigmas, "sigmas must be > 0.");
        if (count < 3) throw new ArgumentOutOfRangeException(nameof(count), count, "An ellipse needs at least 3 points.");
        double a = covariance[0], b = 0.5 * (covariance[1] + covariance[2]), c = covariance[3];
        // Eigenvalues of [[a,b],[b,c]]: (a+c)/2 ± sqrt(((a−c)/2)² + b²).
        double mid = 0.5 * (a + c), rad = Math.Sqrt(0.25 * (a - c) * (a - c) + b * b);
        double l1 = mid + rad, l2 = mid - rad;
        if (!(l2 > 0) || !double.IsFinite(l1))
            throw new ArgumentException($"The covariance [{a}, {b}; {b}, {c}] is not positive definite (eigenvalues {l1}, {l2}).", nameof(covariance));
        // Eigenvector of l1: angle θ with tan 2θ = 2b/(a−c).
        double theta = 0.5 * Math.Atan2(2 * b, a - c);
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        double r1 = sigmas * Math.Sqrt(l1), r2 = sigmas * Math.Sqrt(l2);
        var xs = new double[count + 1];
        var ys = new double[count + 1];
        for (int i = 0; i <= count; i++)
        {
            double t = 2 * Math.PI * (i % count) / count;
            double u = r1 * Math.Cos(t), v = r2 * Math.Sin(t);
            xs[i] = mean[0] + u * cos - v * sin;
            ys[i] = mean[1] + u * sin + v * cos;
        }
        return (xs, ys);
    }

    /// <summary>
    /// Tiles images (row-major pixels, <paramref name="height"/> × <paramref name="width"/> each) into one matrix,
    /// <paramref name="columns"/> per row with a one-pixel gap of <paramref name="gap"/> between tiles.
    /// </summary>
    public static double[,] TileImages(IReadOnlyList<float[]> images, int width, int height, int columns, double gap = 0)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("No images to tile.", nameof(images));
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} must be positive.");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be at least 1.");
        columns = Math.Min(columns, images.Count);
        int rows = (images.Count + columns - 1) / columns;
        var grid = new double[rows * (height + 1) - 1, columns * (width + 1) - 1];
        for (int r = 0; r < grid.GetLength(0); r++)
            for (int c = 0; c < grid.GetLength(1); c++)
                grid[r, c] = gap;
        for (int k = 0; k < images.Count; k++)
        {
            var img = images[k];
            if (img.Length != width * height)
                throw new ArgumentException($"Image {k} has {img.Length} pixels; expected {width}x{height} = {width * height}.", nameof(images));
            int top = k / columns * (height + 1), left = k % columns * (width + 1);
            for (int r = 0; r < height; r++)
                for (int c = 0; c < width; c++)
                    grid[top + r, left + c] = img[r * width + c];
        }
        return grid;
    }

    /// <summary><paramref name="count"/> evenly spaced points from <paramref name="from"/> to <paramref name="to"/> and f at each.</summary>
    public static (double[] X, double[] Y) SampleCurve(Func<double, double> f, double from, double to, int count = 200)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (!(to > from) || !double.IsFinite(from) || !double.IsFinite(to))
            throw new ArgumentException($"The range [{from}, {to}] must be finite with from < to.", nameof(to));
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "A curve needs at least 2 points.");
        var xs = new double[count];
        var ys = new double[count];
        for (int i = 0; i < count; i++)
        {
            xs[i] = from + (to - from) * i / (count - 1);
            ys[i] = f(xs[i]);
        }
        return (xs, ys);
    }

    /// <summary>
    /// The x in [<paramref name="lower"/>, <paramref name="upper"/>] where the nondecreasing <paramref name="cdf"/> reaches
    /// <paramref name="probability"/>, by bisection to the resolution of doubles (for distributions without a quantile function).
    /// </summary>
    public static double Quantile(Func<double, double> cdf, double probability, double lower, double upper)
    {
        ArgumentNullException.ThrowIfNull(cdf);
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability must be in [0, 1].");
        if (!(upper > lower) || !double.IsFinite(lower) || !double.IsFinite(upper))
            throw new ArgumentException($"The range [{lower}, {upper}] must be finite with lower < upper.", nameof(upper));
        double lo = lower, hi = upper;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (cdf(mid) < probability) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>
    /// A histogram scaled to a density over [<paramref name="from"/>, <paramref name="to"/>): height = count / (n · bin width),
    /// n counting every value (values outside the range fall in no bin, so the bars then integrate to less than 1).
    /// </summary>
    public static (double[] Centers, double[] Heights) DensityHistogram(ReadOnlySpan<double> data, double from, double to, int bins)
    {
        if (!(to > from) || !double.IsFinite(from) || !double.IsFinite(to))
            throw new ArgumentException($"The range [{from}, {to}] must be finite with from < to.", nameof(to));
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be at least 1.");
        if (data.Length == 0) throw new ArgumentException("No data to bin.", nameof(data));
        double w = (to - from) / bins;
        var heights = new double[bins];
        foreach (var v in data)
        {
            if (!double.IsFinite(v)) throw new ArgumentException($"The data hold a non-finite value {v}.", nameof(data));
            if (v < from || v > to) continue;
            int b = Math.Min(bins - 1, (int)((v - from) / w));
            heights[b]++;
        }
        var centers = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            centers[b] = from + (b + 0.5) * w;
            heights[b] /= data.Length * w;
        }
        return (centers, heights);
    }

    /// <summary>Row-major values (<paramref name="rows"/> × <paramref name="columns"/>) as a 2-D array.</summary>
    public static double[,] ToMatrix(ReadOnlySpan<double> values, int rows, int columns)
    {
        if (rows < 1 || columns < 1 || values.Length != rows * columns)
            throw new ArgumentException($"{values.Length} values do not fill a {rows}x{columns} matrix.", nameof(values));
        var m = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                m[r, c] = values[r * columns + c];
        return m;
    }
}
