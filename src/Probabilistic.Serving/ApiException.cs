using Microsoft.AspNetCore.Http;

namespace Probabilistic.Serving;

/// <summary>A refusal sent to the client as RFC 9457 problem details: the status, a short title, and the reason.</summary>
public sealed class ApiException(int status, string title, string detail) : Exception(detail)
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>The short, fixed title of this kind of problem.</summary>
    public string Title { get; } = title;

    /// <summary>400: the request cannot be used as it is.</summary>
    public static ApiException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>413: the request is over a limit of this server.</summary>
    public static ApiException TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "Request too large", detail);

    /// <summary>404: no model of that name.</summary>
    public static ApiException NoModel(string name) =>
        new(StatusCodes.Status404NotFound, "Model not found", $"no model named '{Clip.Of(name)}' is served (GET /v1/models lists them)");

    /// <summary>404: the model does not offer this operation.</summary>
    public static ApiException NotOffered(string name, string kind, string operation, string offered) =>
        new(StatusCodes.Status404NotFound, "Operation not offered",
            $"model '{name}' is a {kind}, which does not offer '{operation}'; it offers: {offered}");
}
