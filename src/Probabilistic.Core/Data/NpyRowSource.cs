using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Probabilistic.Core.Data;

/// <summary>One .npy file of a <see cref="NpyRowSource"/>: its path, dtype, rows and where its values start.</summary>
public sealed record NpyShard(string Path, string Type, int ElementSize, long Rows, int Columns, long DataOffset, long FileLength);

/// <summary>
/// Rows read from disk a block at a time instead of loaded: one .npy file of any size (over 2 GB too) or a folder of
/// .npy shards taken in ordinal order of their names, all with the same number of columns and the same dtype. A pass
/// (<see cref="ForEachBlock"/>) reads fixed blocks of rows in row order into reused buffers with positioned reads
/// (no memory map, so the resident set stays at the buffers whatever the file size) and checks every value as
/// <see cref="DataChecks.RequireGaussianScale(NumericTable)"/> does, naming the shard and its row.
/// </summary>
public sealed class NpyRowSource
{
    private readonly long[] _starts;

    private NpyRowSource(string name, IReadOnlyList<NpyShard> shards)
    {
        Name = name;
        Shards = shards;
        Columns = shards[0].Columns;
        _starts = new long[shards.Count + 1];
        for (int s = 0; s < shards.Count; s++) _starts[s + 1] = _starts[s] + shards[s].Rows;
        Rows = _starts[^1];
    }

    /// <summary>The file or folder given, for messages.</summary>
    public string Name { get; }

    /// <summary>The files read, in order.</summary>
    public IReadOnlyList<NpyShard> Shards { get; }

    /// <summary>Rows over all shards.</summary>
    public long Rows { get; }

    /// <summary>Columns (D), the same in every shard.</summary>
    public int Columns { get; }

    /// <summary>
    /// Opens <paramref name="path"/>: a .npy file, or a folder whose *.npy files are the shards (sorted by name, ordinal).
    /// Only the headers are read. 1-D arrays are one column. A folder without .npy files, a shard whose columns or dtype
    /// differ from the first one's, a compressed or truncated shard, and a source without rows are refused naming the file.
    /// </summary>
    public static NpyRowSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string[] files;
        if (Directory.Exists(path))
        {
            files = Directory.GetFiles(path, "*.npy").Where(f => f.EndsWith(".npy", StringComparison.Ordinal)).ToArray();
            Array.Sort(files, StringComparer.Ordinal);
            if (files.Length == 0) throw new DataFormatException(path, null, "the folder holds no .npy shards");
        }
        else if (File.Exists(path)) files = [path];
        else throw new FileNotFoundException($"No such file or folder: {path}", path);
        var shards = new List<NpyShard>(files.Length);
        foreach (var file in files)
        {
            var shard = ReadShard(file);
            if (shards.Count > 0)
            {
                var first = shards[0];
                if (shard.Columns != first.Columns)
                    throw new DataFormatException(file, null, string.Create(CultureInfo.InvariantCulture,
                        $"has {shard.Columns} columns; the first shard, {first.Path}, has {first.Columns} (every shard needs the same columns)"));
                if (shard.Type != first.Type)
                    throw new DataFormatException(file, null,
                        $"dtype '{shard.Type}' differs from the first shard's ('{first.Type}' in {first.Path}); save every shard with one dtype");
            }
            shards.Add(shard);
        }
        var source = new NpyRowSource(path, shards);
        if (source.Rows == 0) throw new DataFormatException(path, null, "holds no rows; the data need at least one row");
        return source;
    }

    private static NpyShard ReadShard(string file)
    {
        long? length = DataFiles.KnownLength(file);
        if (length is null)
            throw new DataFormatException(file, null, "is compressed or not a regular file; reading in blocks needs a plain .npy (decompress it first)");
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        var h = NpyReader.ReadHeader(stream, file, length);
        if (h.Shape.Length is not (1 or 2))
            throw new DataFormatException(file, null, $"expected a 1-D or 2-D array, got shape ({string.Join(", ", h.Shape)})");
        long rows = h.Shape[0];
        long columns = h.Shape.Length == 2 ? h.Shape[1] : 1;
        if (columns == 0) throw new DataFormatException(file, null, $"shape ({string.Join(", ", h.Shape)}) has no columns");
        if (length.Value - h.DataOffset < h.Count * h.ElementSize)
            throw new DataFormatException(file, null, string.Create(CultureInfo.InvariantCulture,
                $"truncated data: {rows} rows × {columns} of {h.Type} need {h.Count * h.ElementSize:N0} bytes, the file has {length.Value - h.DataOffset:N0}"));
        return new NpyShard(file, h.Type, h.ElementSize, rows, (int)columns, h.DataOffset, length.Value);
    }

    /// <summary>Which shard holds global row <paramref name="row"/>, and the row's index in it.</summary>
    public (NpyShard Shard, long Row) Locate(long row)
    {
        if ((ulong)row >= (ulong)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"Row {row} is not in 0..{Rows - 1}.");
        int s = Array.BinarySearch(_starts, row);
        if (s < 0) s = ~s - 1;
        while (Shards[s].Rows == 0 || _starts[s + 1] <= row) s++; // skip empty shards sharing a start
        return (Shards[s], row - _starts[s]);
    }

    /// <summary>Called for each block of a pass: the block's first row, its row count, and its rows (row-major, reused after the call).</summary>
    public delegate void BlockAction(long firstRow, int count, double[] rows);

    /// <summary>
    /// One pass over the rows in blocks of <paramref name="blockRows"/> (the last one shorter), in row order, calling
    /// <paramref name="action"/> on each; the next block is read while the action runs on the current one.
    /// </summary>
    /// <exception cref="DataFormatException">A value is not finite or beyond Gaussian scale (shard and row named), or a shard
    /// vanished, shrank or changed since <see cref="Open"/>.</exception>
    public void ForEachBlock(int blockRows, BlockAction action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockRows, 1);
        long values = (long)blockRows * Columns;
        if (values > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, "A block must fit one array.");
        using var reader = new Reader(this);
        double[] current = new double[values], next = new double[values];
        long raw = RawBytes(values);
        var readBuffers = new[] { new byte[raw], new byte[raw] };
        long at = 0;
        int count = (int)Math.Min(blockRows, Rows);
        reader.Read(0, count, current, readBuffers[0]);
        int turn = 1;
        while (count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long nextAt = at + count;
            int nextCount = (int)Math.Min(blockRows, Rows - nextAt);
            var buffer = readBuffers[turn];
            var target = next;
            var prefetch = nextCount > 0 ? Task.Run(() => reader.Read(nextAt, nextCount, target, buffer)) : Task.CompletedTask;
            try { action(at, count, current); }
            catch
            {
                // The reader's handles close when this pass ends: let the read in flight finish first.
                try { prefetch.Wait(CancellationToken.None); } catch (AggregateException) { }
                throw;
            }
            prefetch.GetAwaiter().GetResult();
            (current, next) = (next, current);
            turn ^= 1;
            at = nextAt;
            count = nextCount;
        }
    }

    /// <summary>Reads rows <paramref name="firstRow"/> .. + <paramref name="count"/> into <paramref name="target"/> (row-major), checked.</summary>
    public void ReadRows(long firstRow, int count, Span<double> target)
    {
        if (target.Length < (long)count * Columns) throw new ArgumentException($"{count} rows need {(long)count * Columns} values; the target holds {target.Length}.", nameof(target));
        using var reader = new Reader(this);
        reader.Read(firstRow, count, target, new byte[RawBytes((long)count * Columns)]);
    }

    /// <summary>The conversion buffer <paramref name="values"/> values need: none for float64, read in place.</summary>
    private long RawBytes(long values) => Shards[0].Type == "<f8" ? 0 : values * Shards[0].ElementSize;

    /// <summary>Open handles on the shards for one pass; a shard that vanished or changed is refused by name.</summary>
    private sealed class Reader(NpyRowSource source) : IDisposable
    {
        private readonly SafeFileHandle?[] _handles = new SafeFileHandle?[source.Shards.Count];
        private readonly Lock _gate = new();

        public void Read(long firstRow, int count, Span<double> target, byte[] buffer)
        {
            int d = source.Columns, done = 0;
            while (done < count)
            {
                var (shard, row) = source.Locate(firstRow + done);
                int take = (int)Math.Min(count - done, shard.Rows - row);
                int size = shard.ElementSize;
                var values = target.Slice(done * d, take * d);
                // float64 needs no conversion: read straight into the values.
                bool direct = shard.Type == "<f8";
                var bytes = direct ? MemoryMarshal.AsBytes(values) : buffer.AsSpan(0, checked(take * d * size));
                var handle = Handle(shard);
                long offset = shard.DataOffset + row * d * size;
                int got = 0;
                while (got < bytes.Length)
                {
                    int n = RandomAccess.Read(handle, bytes[got..], offset + got);
                    if (n == 0) throw Changed(shard, "ended early (it shrank during the fit)");
                    got += n;
                }
                if (!direct) NpyReader.Convert(shard.Type, bytes, values);
                Check(shard, row, values, d);
                done += take;
            }
        }

        private SafeFileHandle Handle(NpyShard shard)
        {
            int s = IndexOf(shard);
            lock (_gate)
            {
                if (_handles[s] is { } open) return open;
                SafeFileHandle h;
                try { h = File.OpenHandle(shard.Path, FileMode.Open, FileAccess.Read, FileShare.Read); }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    throw Changed(shard, "vanished during the fit");
                }
                if (RandomAccess.GetLength(h) != shard.FileLength)
                {
                    long now = RandomAccess.GetLength(h);
                    h.Dispose();
                    throw Changed(shard, string.Create(CultureInfo.InvariantCulture, $"changed size during the fit ({shard.FileLength:N0} bytes when opened, {now:N0} now)"));
                }
                return _handles[s] = h;
            }
        }

        private int IndexOf(NpyShard shard)
        {
            for (int s = 0; s < source.Shards.Count; s++) if (ReferenceEquals(source.Shards[s], shard)) return s;
            throw new InvalidOperationException("shard not in source");
        }

        public void Dispose()
        {
            foreach (var h in _handles) h?.Dispose();
        }
    }

    private static DataFormatException Changed(NpyShard shard, string what) =>
        new(shard.Path, null, $"the file {what}; the fit reads it again on every iteration, so leave it in place until the fit ends");

    private static void Check(NpyShard shard, long firstRow, ReadOnlySpan<double> values, int d)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsFinite(v) && Math.Abs(v) <= DataChecks.MaxMagnitude) continue;
            string reason = double.IsFinite(v) ? DataChecks.TooLarge(v) : $"{v.ToString("G6", CultureInfo.InvariantCulture)} is not a finite number";
            throw new DataFormatException(shard.Path, null, string.Create(CultureInfo.InvariantCulture,
                $"row {firstRow + i / d} (0-based), column {i % d}: {reason}"));
        }
    }
}
