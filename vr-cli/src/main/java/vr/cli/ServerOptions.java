package vr.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the server is and who to be there: the options every server command shares. */
final class ServerOptions {
  @Option(names = "--url", paramLabel = "<url>",
      description = "The server, e.g. http://127.0.0.1:8000/ (default: $VELOCIRAPTOR_URL).")
  String url;

  @Option(names = "--username", paramLabel = "<name>",
      description = "Who to log in as (default: $VELOCIRAPTOR_USERNAME, else your login name). The password comes from "
          + "$VELOCIRAPTOR_PASSWORD or, on a terminal, a prompt; never from an option.")
  String username;

  @Option(names = "--token-file", paramLabel = "<file>",
      description = "A file holding an API token (vrt_..., from POST /api/v1/tokens/) to use instead of a password "
          + "(default: $VELOCIRAPTOR_TOKEN_FILE).")
  Path tokenFile;
}
