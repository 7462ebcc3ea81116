package vr.common.ssh;

/**
 * A handle another thread uses to stop a running remote command: {@link #cancel()} kills the remote
 * process group and closes the channel, and the waiting {@code exec} throws
 * {@link java.util.concurrent.CancellationException}. One handle may serve several commands.
 */
public final class Cancellation {
  private volatile boolean cancelled;
  private final Cancellation also;

  public Cancellation() {
    this(null);
  }

  private Cancellation(Cancellation also) {
    this.also = also;
  }

  /** A handle cancelled by its own {@link #cancel()} or when {@code other} (may be null) is cancelled. */
  Cancellation orWhen(Cancellation other) {
    return new Cancellation(other);
  }

  public void cancel() {
    cancelled = true;
  }

  public boolean cancelled() {
    return cancelled || (also != null && also.cancelled());
  }
}
