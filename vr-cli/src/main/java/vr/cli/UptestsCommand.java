package vr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vr.cli.api.ServerClient;
import vr.common.VrException;

/** {@code vr.cli uptests}: the failures of the newest finished uptest run (reference 6). */
@Command(name = "uptests", mixinStandardHelpOptions = true,
    description = {"Show the failures of the newest finished uptest run: for each failed proc, '<procname> failed:'",
        "and its results (the original's output). Exits 1 when a proc failed, 0 when all passed (then it says so).",
        "Example: vr.cli uptests          vr.cli uptests --json | jq '.testresults[] | select(.passed == false)'"})
final class UptestsCommand extends ServerCommand {
  @Option(names = "--json", description = "Print the whole test run as JSON instead.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ServerClient client = client();
    JsonNode run;
    try {
      HttpResponse<String> r = client.send("GET", "api/v1/testruns/latest/", null);
      String location = r.headers().firstValue("Location").orElse(null);
      run = location == null ? ServerClient.json(r) : client.get(URI.create(location).getPath());
    } catch (ServerClient.NotFound e) {
      throw new VrException("no finished uptest run on the server yet");
    }
    if (json) {
      out().println(ServerClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run));
    }
    int failed = 0;
    int total = 0;
    for (JsonNode r : run.path("testresults")) {
      total++;
      if (!r.path("passed").asBoolean(true)) {
        failed++;
        if (!json) {
          out().println(term().red(r.path("procname").asText() + " failed:"));
          out().println(r.path("results").asText());
        }
      }
    }
    if (!json && failed == 0) {
      out().println("All " + total + " procs passed their uptests (run " + run.path("id").asText() + ", ended "
          + run.path("end").asText() + ")");
    }
    return failed == 0 ? 0 : 1;
  }
}
