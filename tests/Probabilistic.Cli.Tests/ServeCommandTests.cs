using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Probabilistic.Cli;
using Probabilistic.Mixtures;

namespace Probabilistic.Cli.Tests;

/// <summary><c>prob serve</c> as a process: it serves, and SIGTERM lets an in-flight request finish, then exits 0.</summary>
public sealed class ServeCommandTests
{
    [SkippableFact]
    public void Sigterm_drains_an_in_flight_request_and_exits_0()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGTERM is a POSIX signal");
        var dir = Path.Combine(Path.GetTempPath(), "prob-serve-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var data = CsvReader.ReadNumeric(Path.Combine(TestPaths.Datasets, "faithful.csv"));
            new GaussianMixture(new GaussianMixtureOptions(2)).Fit(data, new FitOptions(Seed: 0)).Model.Save(Path.Combine(dir, "faithful.json"));
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "prob.dll"), "serve", "--models", dir,
                "--urls", "http://127.0.0.1:0", "--drain", "60"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = new StringBuilder();
            string? line;
            Uri? address = null;
            // Wait on the process's own report of where it listens (the port is chosen by the system).
            while ((line = p.StandardError.ReadLine()) is not null)
            {
                errors.AppendLine(line);
                int at = line.IndexOf(" on http://", StringComparison.Ordinal);
                if (line.StartsWith("prob serve: serving", StringComparison.Ordinal) && at >= 0) { address = new Uri(line[(at + 4)..].Split(',')[0].Trim()); break; }
            }
            Assert.True(address is not null, $"prob serve did not report its address: {errors}");

            // A request whose body is half sent stays in flight across the signal.
            const string body = "{\"x\": [[3.6, 79]]}";
            using var tcp = new TcpClient();
            tcp.Connect(address!.Host, address.Port);
            var stream = tcp.GetStream();
            var head = $"POST /v1/models/faithful/predict HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body[..8]}";
            stream.Write(Encoding.ASCII.GetBytes(head));
            stream.Flush();
            // A complete request on another connection after it: once it is answered, the server has the first one too.
            using (var http = new HttpClient { BaseAddress = address })
                Assert.Equal(System.Net.HttpStatusCode.OK, http.GetAsync("/healthz").GetAwaiter().GetResult().StatusCode);

            Assert.Equal(0, kill(p.Id, 15));
            stream.Write(Encoding.ASCII.GetBytes(body[8..]));
            stream.Flush();
            var response = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
            Assert.True(response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal), $"the in-flight request was not answered: {response}");
            Assert.Contains("\"labels\":[", response);
            errors.Append(p.StandardError.ReadToEnd());
            Assert.True(p.WaitForExit(60_000), "prob serve did not exit within a minute of SIGTERM");
            Assert.True(p.ExitCode == CliHost.Ok, $"exit {p.ExitCode}: {errors}");
            Assert.Contains("prob serve: stopped", errors.ToString());
            Assert.DoesNotContain("   at ", errors.ToString());
            _ = output;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_missing_models_folder_is_a_usage_error()
    {
        var error = new StringWriter();
        int code = CliHost.Run(new System.CommandLine.RootCommand { Commands.ServeCommand.Create() }, ["serve", "--models", "/nonexistent/models"], new StringWriter(), error);
        Assert.True(code == CliHost.Usage, $"exit {code}: {error}");
        Assert.Contains("--models '/nonexistent/models': no such folder", error.ToString());
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
