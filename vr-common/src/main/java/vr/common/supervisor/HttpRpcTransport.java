package vr.common.supervisor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * XML-RPC over HTTP with optional basic auth, on the JDK's HTTP client. The whole exchange, body included,
 * must finish within the timeout (the JDK's own request timeout stops at the headers), and the body is
 * collected by a subscriber that gives up past the size cap.
 */
final class HttpRpcTransport implements RpcTransport {
  private final URI uri;
  private final String authorization;
  private final int maxResponseBytes;
  private final HttpClient client;

  HttpRpcTransport(URI uri, String username, String password, Duration connectTimeout, int maxResponseBytes) {
    this.uri = uri;
    this.authorization = basic(username, password);
    this.maxResponseBytes = maxResponseBytes;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  static String basic(String username, String password) {
    if (username == null || username.isEmpty()) {
      return null;
    }
    String pair = username + ":" + (password == null ? "" : password);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public byte[] post(byte[] body, Duration timeout) throws IOException {
    HttpRequest.Builder req = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Content-Type", "text/xml")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    CompletableFuture<HttpResponse<byte[]>> call =
        client.sendAsync(req.build(), info -> new CappedBody(maxResponseBytes, info.statusCode()));
    HttpResponse<byte[]> resp;
    try {
      resp = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new IOException("no answer from " + describe() + " within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling " + describe(), e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof HttpConnectTimeoutException || c instanceof ConnectException) {
        throw new ConnectFailedException("cannot connect to " + describe() + ": " + message(c), c);
      }
      if (c instanceof java.net.http.HttpTimeoutException) {
        throw new IOException("no answer from " + describe() + " within " + timeout.toMillis() + " ms", c);
      }
      if (c instanceof XmlRpcProtocolException x) {
        throw x;
      }
      throw new IOException("calling " + describe() + " failed: " + message(c), c);
    }
    if (resp.statusCode() == 401) {
      throw new SupervisorAuthException("supervisor at " + describe()
          + " rejected the credentials (HTTP 401); check the supervisor username and password");
    }
    if (resp.statusCode() != 200) {
      throw new IOException("supervisor at " + describe() + " answered HTTP " + resp.statusCode());
    }
    return resp.body();
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  @Override
  public String describe() {
    return uri.toString();
  }

  /** Collects a body up to a cap; past it, cancels the exchange and fails. Error bodies are not kept. */
  private final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final boolean keep;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    CappedBody(int max, int status) {
      this.max = max;
      this.keep = status == 200;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (out.size() + b.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new XmlRpcProtocolException(
              "response from " + describe() + " exceeds " + max + " bytes; refused"));
          return;
        }
        if (keep) {
          byte[] chunk = new byte[b.remaining()];
          b.get(chunk);
          out.write(chunk, 0, chunk.length);
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
