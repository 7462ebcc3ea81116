package vr.common.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;
import vr.common.VrException;
import vr.common.fs.AtomicFiles;
import vr.common.fs.VrPaths;
import vr.common.model.ProcName;
import vr.common.supervisor.SupervisorFault.Fault;

/**
 * Puts a proc's program section into supervisord and takes it out again. Install writes the section
 * atomically (temp file beside it, fsync, rename), then {@code reloadConfig} and {@code addProcessGroup}
 * (autostart starts it). A changed section replaces the running group. If supervisord refuses, the previous
 * file (or none) is put back, so the host stays as it was. Removal is the reverse: stop, remove the group,
 * delete the file, {@code reloadConfig}.
 */
public final class ProgramInstaller {
  private final SupervisorClient supervisor;
  private final Function<String, Path> location;
  private final SectionFiles files;

  private ProgramInstaller(SupervisorClient supervisor, Function<String, Path> location, SectionFiles files) {
    this.supervisor = supervisor;
    this.location = location;
    this.files = files;
  }

  /**
   * Where the section files are written: this machine's file system, or a host's reached over SSH (see
   * {@code vr.common.hosts.RemoteProcs}). Writes must be atomic: supervisord never reads half a section.
   */
  public interface SectionFiles {
    /** The file's bytes, or null when there is none. */
    byte[] read(Path file);

    void write(Path file, byte[] content);

    void delete(Path file);
  }

  /** This machine's files. */
  public static final SectionFiles LOCAL = new SectionFiles() {
    @Override
    public byte[] read(Path file) {
      return ProgramInstaller.read(file);
    }

    @Override
    public void write(Path file, byte[] content) {
      ProgramInstaller.write(file, content);
    }

    @Override
    public void delete(Path file) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new VrException("cannot delete " + file + ": " + e.getMessage(), e);
      }
    }
  };

  /** Sections go to {@code <includeDir>/<name>.conf}, for an {@code [include] files = <includeDir>/*.conf}. */
  public static ProgramInstaller intoIncludeDir(SupervisorClient supervisor, Path includeDir) {
    return intoIncludeDir(supervisor, includeDir, LOCAL);
  }

  /** As {@link #intoIncludeDir(SupervisorClient, Path)}, with the files written by {@code files}. */
  public static ProgramInstaller intoIncludeDir(SupervisorClient supervisor, Path includeDir, SectionFiles files) {
    return new ProgramInstaller(supervisor, name -> includeDir.resolve(name + ".conf"), files);
  }

  /**
   * Sections go to {@code <VR_ROOT>/procs/<name>/proc.conf}, the original's layout, for an
   * {@code [include] files = /apps/procs/*}{@code /proc.conf}.
   */
  public static ProgramInstaller intoProcDirs(SupervisorClient supervisor, VrPaths paths) {
    return new ProgramInstaller(supervisor, name -> paths.procs().resolve(name).resolve("proc.conf"), LOCAL);
  }

  /** Where the section for {@code name} lives. */
  public Path confFile(String name) {
    return location.apply(name);
  }

  /** Installs (or replaces) the section and makes supervisord run it. Returns the file written. */
  public Path install(ProgramSection section) {
    Path file = confFile(section.name());
    byte[] previous = files.read(file);
    files.write(file, section.render().getBytes(StandardCharsets.UTF_8));
    try {
      ReloadResult r = supervisor.reloadConfig();
      if (r.changed().contains(section.name())) {
        supervisor.stopProcess(section.name());
        supervisor.removeProcessGroup(section.name());
        supervisor.addProcessGroup(section.name());
      } else if (r.added().contains(section.name()) || !known(section.name())) {
        addTolerant(section.name());
      }
      return file;
    } catch (VrException e) {
      restore(section.name(), file, previous);
      throw new VrException("installing " + section.name() + " into supervisor failed: " + e.getMessage(), e);
    }
  }

  /** Stops and removes the program and deletes its section. Quiet when it is not installed. */
  public void remove(String name) {
    try {
      supervisor.stopProcess(name);
    } catch (SupervisorFault f) {
      if (!f.is(Fault.BAD_NAME)) {
        throw f;
      }
    }
    try {
      supervisor.removeProcessGroup(name);
    } catch (SupervisorFault f) {
      if (!f.is(Fault.BAD_NAME)) {
        throw f;
      }
    }
    files.delete(confFile(name));
    supervisor.reloadConfig();
  }

  public void remove(ProcName name) {
    remove(name.format());
  }

  private boolean known(String name) {
    try {
      supervisor.getProcessInfo(name);
      return true;
    } catch (SupervisorFault f) {
      if (f.is(Fault.BAD_NAME)) {
        return false;
      }
      throw f;
    }
  }

  private void addTolerant(String name) {
    try {
      supervisor.addProcessGroup(name);
    } catch (SupervisorFault f) {
      if (!f.is(Fault.ALREADY_ADDED)) {
        throw f;
      }
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.exists(file) ? Files.readAllBytes(file) : null;
    } catch (IOException e) {
      throw new VrException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Puts the previous section (or none) back and lets supervisord see it again; best effort. */
  private void restore(String name, Path file, byte[] previous) {
    try {
      if (previous == null) {
        files.delete(file);
      } else {
        files.write(file, previous);
      }
      supervisor.reloadConfig();
      if (previous != null) {
        addTolerant(name);
      }
    } catch (VrException ignored) {
      // the original failure is what the caller must see
    }
  }

  /** Atomically and durably ({@link AtomicFiles}): supervisord never reads half a section. */
  static void write(Path file, byte[] content) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new VrException("cannot write " + file + ": " + e.getMessage(), e);
    }
    AtomicFiles.write(file, content, PosixFilePermissions.fromString("rw-r--r--"));
  }
}
