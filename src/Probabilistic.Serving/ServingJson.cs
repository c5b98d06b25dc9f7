using System.Text.Json;
using System.Text.Json.Serialization;

namespace Probabilistic.Serving;

/// <summary>The JSON settings of every response: camelCase, compact, infinities spelled out rather than refused.</summary>
public static class ServingJson
{
    /// <summary>Shared serializer options.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Row-major values as rows (for JSON).</summary>
    public static T[][] Rows<T>(T[] values, int columns)
    {
        int rows = columns == 0 ? 0 : values.Length / columns;
        var result = new T[rows][];
        for (int r = 0; r < rows; r++) result[r] = values.AsSpan(r * columns, columns).ToArray();
        return result;
    }
}
