using System.Text;

namespace Probabilistic.Testing;

/// <summary>Writes small .npy files for tests (format 1.0, C order, little-endian).</summary>
public static class NpyFiles
{
    /// <summary>
    /// <paramref name="rows"/> × <paramref name="columns"/> values as float64 (or float32 when <paramref name="single"/>);
    /// a 1-D array of <paramref name="rows"/> values when <paramref name="oneDimensional"/>.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<double> values, int rows, int columns, bool single = false, bool oneDimensional = false)
    {
        string shape = oneDimensional ? $"({rows},)" : $"({rows}, {columns})";
        var header = $"{{'descr': '{(single ? "<f4" : "<f8")}', 'fortran_order': False, 'shape': {shape}, }}";
        header += new string(' ', (64 - (10 + header.Length + 1) % 64) % 64) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        foreach (var v in values)
            if (single) file.Write(BitConverter.GetBytes((float)v));
            else file.Write(BitConverter.GetBytes(v));
    }
}
