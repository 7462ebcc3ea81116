package vr.common.repo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import vr.common.VrException;
import vr.common.exec.Exec;

/** A Mercurial store without a working copy ({@code hg clone -U}), driven by the {@code hg} command. */
final class HgStore extends RepoStore {
  HgStore(String url, Path dir) {
    super(url.strip().startsWith("hg+") ? url.strip().substring(3) : url, dir);
  }

  @Override
  public Repo.Vcs vcs() {
    return Repo.Vcs.HG;
  }

  @Override
  public void update() {
    if (Files.isDirectory(dir().resolve(".hg"))) {
      Exec.Result r = hg("pull", "-R", dir().toString(), "--", url());
      if (r.exitCode() != 0) {
        throw new VrException("cannot fetch hg repository " + url() + ": " + lastLine(r));
      }
      return;
    }
    try {
      cloneBesideAndMove(tmp -> {
        Exec.Result r = hg("clone", "-U", "--", url(), tmp.toString());
        if (r.exitCode() != 0) {
          throw new VrException("cannot fetch hg repository " + url() + ": " + lastLine(r));
        }
      });
    } catch (VrException e) {
      throw e;
    } catch (Exception e) {
      throw new VrException("cannot store hg repository " + url() + " in " + dir() + ": " + rootMessage(e), e);
    }
  }

  @Override
  String resolveOrDefault(String rev) {
    // The original's default was tip; a named revision is looked up exactly (no revset syntax from input).
    String r = rev == null ? "tip" : rev;
    Exec.Result res = hg("log", "-R", dir().toString(), "-r", "present(" + quote(r) + ")", "--template", "{node}\\n");
    String node = res.stdout().strip();
    if (res.exitCode() != 0 || !node.matches("[0-9a-f]{40}")) {
      throw new VrException("hg repository " + url() + " has no version '" + r + "' (not a tag, branch or revision)");
    }
    return node;
  }

  @Override
  public void export(String revision, Path dest) {
    Exec.Result r = hg("--config", "ui.archivemeta=false", "archive", "-R", dir().toString(), "-r", revision,
        "-t", "files", "--", dest.toString());
    if (r.exitCode() != 0) {
      throw new VrException("cannot export " + url() + " at " + revision + ": " + lastLine(r));
    }
    try {
      Files.createDirectories(dest); // an empty revision archives to nothing
    } catch (IOException e) {
      throw new VrException("cannot create " + dest + ": " + e.getMessage(), e);
    }
  }

  /** A revset string literal: the revision from app.yaml is data, never revset syntax. */
  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static Exec.Result hg(String... args) {
    List<String> cmd = new ArrayList<>(List.of("hg", "--noninteractive"));
    cmd.addAll(List.of(args));
    // HGPLAIN: no user aliases, pagers or localised messages change what we run or parse.
    return Exec.of(cmd).env("HGPLAIN", "1").timeout(Duration.ofHours(1)).capture();
  }

  /** The last line hg printed (stderr first): what a one-line error should quote. */
  private static String lastLine(Exec.Result r) {
    String s = r.stderr().isBlank() ? r.stdout() : r.stderr();
    String[] lines = s.strip().split("\\R");
    String last = lines[lines.length - 1].strip();
    return last.isEmpty() ? "exit status " + r.exitCode() : last;
  }
}
