package vr.common.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import vr.common.InputException;
import vr.common.yaml.Yaml;
import vr.common.yaml.YamlMap;

/** An image.yaml: a base OS image plus a provisioning script make a new stack image. */
public record ImageData(
    String baseImageUrl,
    String baseImageName,
    String baseImageMd5,
    String newImageName,
    String newImageMd5,
    String scriptUrl,
    Map<String, String> env,
    Map<String, Object> extra) {

  public static final Set<String> KEYS =
      Set.of("base_image_url", "base_image_name", "base_image_md5", "new_image_name", "new_image_md5", "script_url", "env");

  public ImageData {
    env = env == null ? Map.of() : env;
    extra = extra == null ? Map.of() : extra;
  }

  public static ImageData load(Path file) {
    return from(Yaml.load(file));
  }

  public static ImageData from(YamlMap y) {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, Object> rawEnv = y.map("env");
    if (rawEnv != null) {
      for (Map.Entry<String, Object> e : rawEnv.entrySet()) {
        if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw y.error("env", "has a bad variable name " + InputException.quote(e.getKey()));
        }
        if (e.getValue() instanceof Map || e.getValue() instanceof java.util.List) {
          throw y.error("env", "value of " + e.getKey() + " must be a string");
        }
        String value = e.getValue() == null ? "" : String.valueOf(e.getValue());
        if (hasControl(value)) {
          throw y.error("env", "value of " + e.getKey() + " must not contain a line break or other control character: "
              + InputException.quote(value));
        }
        env.put(e.getKey(), value);
      }
    }
    // These reach a line-based LXC config, a command line or a file name: refused here rather than after the
    // download and unpack, when the container would fail to start.
    for (String k : new String[] {"base_image_url", "script_url", "base_image_md5", "new_image_md5"}) {
      String v = y.string(k);
      if (v != null && hasControl(v)) {
        throw y.error(k, "must not contain a line break or other control character: " + InputException.quote(v));
      }
    }
    for (String k : new String[] {"base_image_name", "new_image_name"}) {
      String v = y.requireString(k);
      if (!v.matches("[A-Za-z0-9_.]+")) {
        throw y.error(k, "may contain only letters, digits, '_' and '.'");
      }
      String problem = Names.fileNameProblem(v);
      if (problem != null) {
        throw y.error(k, problem + ", not " + InputException.quote(v));
      }
    }
    BuildData.checkMd5(y, "base_image_md5", y.string("base_image_md5"));
    Map<String, Object> extra = new LinkedHashMap<>();
    for (String k : y.keys()) {
      if (!KEYS.contains(k)) {
        extra.put(k, y.get(k));
      }
    }
    return new ImageData(y.requireString("base_image_url"), y.requireString("base_image_name"),
        y.string("base_image_md5"), y.requireString("new_image_name"), y.string("new_image_md5"),
        y.requireString("script_url"), env, extra);
  }

  /** A control character other than tab: it would end or corrupt a line of the container's config. */
  static boolean hasControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put("base_image_url", baseImageUrl);
    m.put("base_image_name", baseImageName);
    m.put("base_image_md5", baseImageMd5);
    m.put("new_image_name", newImageName);
    m.put("new_image_md5", newImageMd5);
    m.put("script_url", scriptUrl);
    m.put("env", env);
    return m;
  }

  public String toYaml() {
    return Yaml.dump(toMap());
  }
}
