package vr.common.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream compressed by several threads, the way pigz does it: the input is cut into blocks, each block
 * is deflated on its own (primed with the previous 32 KiB as dictionary, so the ratio stays that of one
 * stream) and ends with a sync flush; the blocks are written in order as one deflate stream, then an empty
 * final block and the gzip trailer. Any gzip reader reads the result.
 */
final class ParallelGzipOutputStream extends OutputStream {
  private static final int DICT = 32 * 1024;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  /** A final, empty block with fixed Huffman codes: BFINAL=1, BTYPE=01, end-of-block. */
  private static final byte[] FINAL_BLOCK = {3, 0};

  private final OutputStream out;
  private final int level;
  private final int blockSize;
  private final ExecutorService pool;
  private final int maxPending;
  private final ArrayDeque<Future<byte[]>> pending = new ArrayDeque<>();
  private final ThreadLocal<Deflater> deflaters;
  private final List<Deflater> created = Collections.synchronizedList(new ArrayList<>());
  private final CRC32 crc = new CRC32();
  private byte[] block;
  private int fill;
  private byte[] dictionary;
  private long size;
  private boolean closed;

  /**
   * @param level deflate level 1..9
   * @param threads compressing threads (1 still compresses off the caller's thread)
   */
  ParallelGzipOutputStream(OutputStream out, int level, int threads, int blockSize) throws IOException {
    this.out = out;
    this.level = level;
    this.blockSize = blockSize;
    this.block = new byte[blockSize];
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "vr-gzip");
      t.setDaemon(true);
      return t;
    });
    this.maxPending = threads * 2;
    this.deflaters = ThreadLocal.withInitial(() -> {
      Deflater d = new Deflater(this.level, true);
      created.add(d);
      return d;
    });
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, blockSize - fill);
      System.arraycopy(b, off, block, fill, n);
      fill += n;
      off += n;
      len -= n;
      if (fill == blockSize) {
        submit();
      }
    }
  }

  private void submit() throws IOException {
    final byte[] data = block;
    final int n = fill;
    final byte[] dict = dictionary;
    crc.update(data, 0, n);
    size += n;
    if (n >= DICT) {
      dictionary = Arrays.copyOfRange(data, n - DICT, n);
    } else {
      byte[] prev = dict == null ? new byte[0] : dict;
      byte[] joined = new byte[Math.min(DICT, prev.length + n)];
      int fromPrev = joined.length - n;
      System.arraycopy(prev, prev.length - fromPrev, joined, 0, fromPrev);
      System.arraycopy(data, 0, joined, fromPrev, n);
      dictionary = joined;
    }
    pending.add(pool.submit(() -> compress(data, n, dict)));
    block = new byte[blockSize];
    fill = 0;
    while (pending.size() > maxPending) {
      writeNext();
    }
  }

  private byte[] compress(byte[] data, int n, byte[] dict) {
    Deflater d = deflaters.get();
    d.reset();
    if (dict != null) {
      d.setDictionary(dict);
    }
    d.setInput(data, 0, n);
    ByteArrayOutputStream bos = new ByteArrayOutputStream(n / 2 + 64);
    byte[] buf = new byte[64 * 1024];
    while (true) {
      int k = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      bos.write(buf, 0, k);
      if (k < buf.length && d.needsInput()) {
        break;
      }
    }
    return bos.toByteArray();
  }

  private void writeNext() throws IOException {
    try {
      out.write(pending.poll().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compressing", e);
    } catch (ExecutionException e) {
      throw new IOException("compression failed: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (fill > 0) {
        submit();
      }
      while (!pending.isEmpty()) {
        writeNext();
      }
      out.write(FINAL_BLOCK);
      long c = crc.getValue();
      out.write(new byte[] {
          (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
          (byte) size, (byte) (size >> 8), (byte) (size >> 16), (byte) (size >> 24)});
      out.close();
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (created) {
        created.forEach(Deflater::end); // free zlib's native memory now, not at some later GC
      }
    }
  }
}
