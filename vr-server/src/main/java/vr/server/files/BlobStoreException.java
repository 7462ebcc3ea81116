package vr.server.files;

/** A blob store failed (I/O, database) or refused a blob; the message is one line fit for a log or a client. */
public class BlobStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BlobStoreException(String message) {
    super(message);
  }

  public BlobStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The content's md5 is not the one the caller expected; nothing was stored. */
  public static final class Md5Mismatch extends BlobStoreException {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String actual;

    public Md5Mismatch(String expected, String actual) {
      super("md5 mismatch: expected " + expected + ", got " + actual + "; nothing stored");
      this.expected = expected;
      this.actual = actual;
    }

    public String expected() {
      return expected;
    }

    public String actual() {
      return actual;
    }
  }

  /** The content is longer than the caller allowed; nothing was stored. */
  public static final class TooLarge extends BlobStoreException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    public TooLarge(long limit) {
      super("the content is larger than the limit of " + limit + " bytes; nothing stored");
      this.limit = limit;
    }

    public long limit() {
      return limit;
    }
  }

  /** No blob has that key. */
  public static final class NotFound extends BlobStoreException {
    private static final long serialVersionUID = 1L;

    public NotFound(String key) {
      super("no blob " + key);
    }
  }
}
