package vr.common.fs;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

/**
 * Where the extractor writes one file's bytes: through the page cache, or, for large files, with
 * {@code O_DIRECT} straight to the disk. On this project's VMs filling the page cache costs more kernel time
 * than the disk write itself (fresh pages are expensive to come by), and an unpacked image is not read back at
 * once, so large files skip the cache. O_DIRECT needs block-aligned buffers, offsets and lengths: bytes are
 * staged in an aligned buffer, the last block is padded and the file truncated to its real size.
 */
abstract class FileSink {
  static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  static final Set<OpenOption> CREATE_DIRECT =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
  static final int ALIGN = 4096;
  private static final int STAGE = 4 << 20;
  private static final ThreadLocal<ByteBuffer> STAGES =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(STAGE + ALIGN).alignedSlice(ALIGN));

  abstract void write(byte[] data, int off, int len) throws IOException;

  abstract void close() throws IOException;

  /** Closes without caring about errors (the extraction is failing anyway). */
  void abandon() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      // failing anyway
    }
  }

  static FileSink buffered(Path p, FileAttribute<?> attr) throws IOException {
    FileChannel ch = FileChannel.open(p, CREATE, attr);
    return new FileSink() {
      @Override
      void write(byte[] data, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, off, len);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }

      @Override
      void close() throws IOException {
        ch.close();
      }
    };
  }

  /** A direct sink; throws when the filesystem refuses O_DIRECT (tmpfs does). */
  static FileSink direct(Path p, FileAttribute<?> attr) throws IOException {
    return new Direct(FileChannel.open(p, CREATE_DIRECT, attr));
  }

  private static final class Direct extends FileSink {
    private final FileChannel ch;
    private ByteBuffer stage;
    private long flushed;

    Direct(FileChannel ch) {
      this.ch = ch;
    }

    @Override
    void write(byte[] data, int off, int len) throws IOException {
      if (stage == null) {
        stage = STAGES.get(); // taken by the writing thread, which finishes this file before starting another
        stage.clear();
      }
      while (len > 0) {
        int n = Math.min(len, STAGE - stage.position());
        stage.put(data, off, n);
        off += n;
        len -= n;
        if (stage.position() == STAGE) {
          flush(STAGE);
        }
      }
    }

    private void flush(int bytes) throws IOException {
      stage.flip();
      while (stage.hasRemaining()) {
        ch.write(stage);
      }
      flushed += bytes;
      stage.clear();
    }

    @Override
    void close() throws IOException {
      try {
        if (stage != null && stage.position() > 0) {
          int real = stage.position();
          int padded = (real + ALIGN - 1) / ALIGN * ALIGN;
          while (stage.position() < padded) {
            stage.put((byte) 0);
          }
          flush(real);
          ch.truncate(flushed);
        }
      } finally {
        stage = null;
        ch.close();
      }
    }
  }
}
