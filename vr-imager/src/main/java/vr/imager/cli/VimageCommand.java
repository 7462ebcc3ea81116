package vr.imager.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import vr.common.cli.DebugOption;
import vr.common.cli.Progress;
import vr.common.cli.Tool;
import vr.common.cli.VersionProvider;
import vr.common.fs.VrPaths;
import vr.imager.ImageContainer;
import vr.imager.ImageJob;
import vr.imager.Imager;
import vr.imager.LxcImageContainer;

/** {@code vimage}: builds stack images from a base image and a provisioning script (a thin layer over {@link Imager}). */
@Command(
    name = "vimage",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Build stack images from a base image and a provisioning script.",
    subcommands = {VimageCommand.Build.class, VimageCommand.Shell.class})
public final class VimageCommand implements Runnable {
  private final VrPaths paths;
  private final Supplier<ImageContainer> container;

  /** The command for this host: {@code $VR_ROOT} or {@code /apps}, LXC. */
  public VimageCommand() {
    this(VrPaths.fromEnvironment(), LxcImageContainer::host);
  }

  /** The command with another host layout and container layer (tests). */
  public VimageCommand(VrPaths paths, Supplier<ImageContainer> container) {
    this.paths = paths;
    this.container = container;
  }

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "a command is required; see --help");
  }

  Imager imager(CommandSpec spec) {
    PrintWriter err = spec.commandLine().getErr();
    return new Imager(paths, container.get(), Progress.auto(), line -> {
      err.println("vimage: " + line);
      err.flush();
    });
  }

  /** {@code vimage build image.yaml}. */
  @Command(name = "build", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Build <new_image_name>.tar.gz (and <new_image_name>.log) in the current directory: unpack the "
          + "base image, run the provisioning script in it as root, pack the result.",
          "Relative base_image_url and script_url paths are relative to the image.yaml's directory."})
  static final class Build implements Callable<Integer> {
    @ParentCommand VimageCommand parent;
    @Spec CommandSpec spec;
    @Mixin DebugOption debug;

    @Parameters(index = "0", paramLabel = "image.yaml", description = "The image to build.")
    Path imageYaml;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Where to write the image and the log (default: the current directory).")
    Path outDir = Path.of("");

    @Override
    public Integer call() {
      ImageJob job = ImageJob.load(imageYaml);
      PrintWriter out = spec.commandLine().getOut();
      Imager.Result r = parent.imager(spec).build(job, outDir, new WriterStream(out));
      out.flush();
      spec.commandLine().getErr().println("vimage: wrote " + r.image() + " (log: " + r.log() + ")");
      return Tool.OK;
    }
  }

  /** {@code vimage shell image.yaml}. */
  @Command(name = "shell", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Open a root shell in a fresh copy of the base image, with the provisioning script copied in, "
          + "for trying out provisioning by hand. Changes are discarded when the shell exits."})
  static final class Shell implements Callable<Integer> {
    @ParentCommand VimageCommand parent;
    @Spec CommandSpec spec;
    @Mixin DebugOption debug;

    @Parameters(index = "0", paramLabel = "image.yaml", description = "The image whose base to open.")
    Path imageYaml;

    @Override
    public Integer call() {
      ImageJob job = ImageJob.load(imageYaml);
      // The shell's exit status is vimage's, as with vrun shell.
      return parent.imager(spec).shell(job, System.getenv("TERM"));
    }
  }

  /** Passes the script's bytes to the command's output writer, decoding UTF-8 across chunk boundaries. */
  static final class WriterStream extends OutputStream {
    private final PrintWriter out;
    private final java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE);
    private final java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(16);

    WriterStream(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(pending.position() + len);
      pending.flip();
      in.put(pending).put(b, off, len).flip();
      pending.clear();
      java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(in.remaining() + 1);
      decoder.decode(in, chars, false);
      pending.put(in); // an incomplete multi-byte character waits for the next chunk
      chars.flip();
      out.append(chars);
      out.flush();
    }

    @Override
    public void flush() {
      out.flush();
    }
  }

  /** In-process entry for tests: runs {@code vimage args} and returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Tool.run(new VimageCommand(), out, err, args);
  }

  public static void main(String[] args) {
    Tool.main(new VimageCommand(), args);
  }
}
