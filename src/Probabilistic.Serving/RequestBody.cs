using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Probabilistic.Core;
using Probabilistic.Core.Data;

namespace Probabilistic.Serving;

/// <summary>
/// One request to a model operation: its bytes (read once, within the body limit), the parsed JSON or .npy array, the
/// query, the limits and the token that the timeout cancels. Every accessor refuses bad input with a 400 or 413 naming
/// the field, the row or the limit.
/// </summary>
public sealed class RequestBody
{
    private readonly byte[] _bytes;
    private JsonDocument? _json;

    private RequestBody(HttpRequest request, byte[] bytes, ServeOptions limits, CancellationToken ct)
    {
        Request = request;
        _bytes = bytes;
        Limits = limits;
        CancellationToken = ct;
        IsNpy = IsNpyContent(request.ContentType) || (request.ContentType is null && NpyReader.HasMagic(bytes));
    }

    /// <summary>The HTTP request (for the query and Accept).</summary>
    public HttpRequest Request { get; }

    /// <summary>The server's limits.</summary>
    public ServeOptions Limits { get; }

    /// <summary>Cancelled by the client going away or by the request timeout.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Whether the body is a NumPy .npy array (Content-Type application/x-npy).</summary>
    public bool IsNpy { get; }

    /// <summary>Reads the body, refusing one over <see cref="ServeOptions.MaxBodyBytes"/> (413) before or while reading it.</summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, ServeOptions limits, CancellationToken ct)
    {
        long max = limits.MaxBodyBytes;
        if (request.ContentLength is long declared && declared > max) throw BodyTooLarge(max, declared);
        var type = request.ContentType;
        if (type is not null && !IsNpyContent(type) && !IsJsonContent(type) && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Content-Type '{Clip.Of(type)}' is not accepted; send application/json or application/x-npy");
        using var buffer = new MemoryStream(request.ContentLength is long n and > 0 ? (int)n : 1024);
        var chunk = new byte[16 << 10];
        int got;
        while ((got = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + got > max) throw BodyTooLarge(max, null);
            buffer.Write(chunk, 0, got);
        }
        return new RequestBody(request, buffer.ToArray(), limits, ct);
    }

    private static ApiException BodyTooLarge(long max, long? declared) => ApiException.TooLarge(
        $"the request body{(declared is long d ? $" ({d:N0} bytes)" : "")} is over the limit of {max:N0} bytes (--max-body)");

    private static bool IsNpyContent(string? type) => type is not null && type.StartsWith("application/x-npy", StringComparison.OrdinalIgnoreCase);

    private static bool IsJsonContent(string type) =>
        type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || type.Contains("+json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body as a JSON object (an empty body reads as <c>{}</c>).</summary>
    public JsonElement Json
    {
        get
        {
            if (IsNpy) throw ApiException.BadRequest("this operation takes a JSON body, not application/x-npy");
            if (_json is null)
            {
                try { _json = _bytes.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(_bytes, new JsonDocumentOptions { MaxDepth = 16 }); }
                catch (JsonException e) { throw ApiException.BadRequest($"the body is not valid JSON: {e.Message}"); }
            }
            if (_json.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiException.BadRequest($"the body must be a JSON object, not {Describe(_json.RootElement)}");
            return _json.RootElement;
        }
    }

    /// <summary>A field of the JSON body, or null when absent (or JSON null).</summary>
    public JsonElement? Field(string name) =>
        Json.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>A whole-number field within [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    public int Integer(string name, int fallback, int min, int max, string limitName)
    {
        if (Field(name) is not { } v) return fallback;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long x))
            throw ApiException.BadRequest($"\"{name}\" must be a whole number, not {Describe(v)}");
        if (x < min) throw ApiException.BadRequest($"\"{name}\" is {x}; it must be at least {min}");
        if (x > max) throw ApiException.BadRequest($"\"{name}\" is {x}, over the limit of {max:N0} ({limitName})");
        return (int)x;
    }

    /// <summary>A string field, or <paramref name="fallback"/> when absent.</summary>
    public string? Text(string name, string? fallback = null)
    {
        if (Field(name) is not { } v) return fallback;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw ApiException.BadRequest($"\"{name}\" must be a string, not {Describe(v)}");
    }

    /// <summary>A boolean query parameter (<c>?proba=true</c>).</summary>
    public bool QueryFlag(string name)
    {
        if (!Request.Query.TryGetValue(name, out var values) || values.Count == 0) return false;
        var text = values[^1];
        if (bool.TryParse(text, out bool b)) return b;
        if (text is "1" or "") return true;
        if (text == "0") return false;
        throw ApiException.BadRequest($"query parameter '{name}' is '{Clip.Of(text ?? "")}'; use true or false");
    }

    /// <summary>
    /// A matrix of finite doubles: the JSON field <paramref name="field"/> (an array of rows, each an array of numbers) or an
    /// .npy body (2-D, or 1-D for a single row), with <paramref name="columns"/> values per row when given.
    /// </summary>
    public NumericTable Matrix(string field, int? columns, string columnsWhat)
    {
        NumericTable table = IsNpy ? NpyTable() : JsonTable(field);
        if (table.Rows == 0) throw ApiException.BadRequest($"\"{field}\" holds no rows");
        if (table.Rows > Limits.MaxRows) throw ApiException.TooLarge($"{table.Rows:N0} rows are over the limit of {Limits.MaxRows:N0} rows per request (--max-rows)");
        if (columns is int d && table.Columns != d)
            throw ApiException.BadRequest($"rows have {table.Columns} values but {columnsWhat} {d}");
        for (int i = 0; i < table.Values.Length; i++)
            if (!double.IsFinite(table.Values[i]))
                throw ApiException.BadRequest(string.Create(CultureInfo.InvariantCulture,
                    $"\"{field}\" row {i / table.Columns + 1}, column {i % table.Columns + 1} is {table.Values[i]}; values must be finite"));
        return table;
    }

    private NumericTable NpyTable()
    {
        NpyArray array;
        try { array = NpyReader.Read(_bytes, "request body", new MemoryBudget(Math.Max(Limits.MaxBodyBytes * 8, 1 << 20), "--max-body")); }
        catch (Exception e) when (e is DataFormatException or ResourceLimitException) { throw ApiException.BadRequest($"the .npy body cannot be read: {e.Message}"); }
        return array.Shape.Length switch
        {
            1 => new NumericTable(array.Data, array.Shape[0] == 0 ? 0 : 1, array.Shape[0]) { Source = "request body" },
            2 => new NumericTable(array.Data, array.Shape[0], array.Shape[1]) { Source = "request body" },
            _ => throw ApiException.BadRequest($"the .npy array has shape ({string.Join(", ", array.Shape)}); send rows × columns (2-D)"),
        };
    }

    private NumericTable JsonTable(string field)
    {
        if (Field(field) is not { } x) throw ApiException.BadRequest($"the body needs \"{field}\": an array of rows, each an array of numbers");
        if (x.ValueKind != JsonValueKind.Array) throw ApiException.BadRequest($"\"{field}\" must be an array of rows, not {Describe(x)}");
        int rows = x.GetArrayLength();
        if (rows > Limits.MaxRows) throw ApiException.TooLarge($"{rows:N0} rows are over the limit of {Limits.MaxRows:N0} rows per request (--max-rows)");
        int columns = -1;
        double[] values = [];
        int r = 0;
        foreach (var row in x.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array)
                throw ApiException.BadRequest($"\"{field}\" row {r + 1} must be an array of numbers, not {Describe(row)} (\"{field}\" is a list of rows)");
            int n = row.GetArrayLength();
            if (columns < 0)
            {
                columns = n;
                if ((long)rows * columns > Array.MaxLength) throw ApiException.TooLarge($"{rows:N0} rows of {columns:N0} values are more than one array holds");
                values = new double[rows * columns];
            }
            else if (n != columns) throw ApiException.BadRequest($"\"{field}\" row {r + 1} has {n} values but row 1 has {columns}; every row needs the same length");
            int c = 0;
            foreach (var v in row.EnumerateArray())
            {
                values[r * columns + c] = Number(v, $"\"{field}\" row {r + 1}, column {c + 1}");
                c++;
            }
            r++;
        }
        return new NumericTable(values, rows, Math.Max(columns, 0)) { Source = "request body" };
    }

    /// <summary>A finite number, or a 400 naming <paramref name="where"/>.</summary>
    public static double Number(JsonElement v, string where)
    {
        if (v.ValueKind != JsonValueKind.Number) throw ApiException.BadRequest($"{where} is {Describe(v)}; it must be a number");
        if (!v.TryGetDouble(out double d) || !double.IsFinite(d)) throw ApiException.BadRequest($"{where} is {Clip.Of(v.GetRawText())}; it must be a finite number");
        return d;
    }

    /// <summary>What a JSON value is, for messages.</summary>
    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Clip.Of(v.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {Clip.Of(v.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {v.GetRawText()}",
        _ => "null",
    };
}
