package vr.cli;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import vr.common.InputException;

/**
 * Which swarms a command means (reference 1.4 {@code SwarmFilter}): the pattern matches a swarm's name
 * {@code <app>-<config>-<proc>} from its start (Python's {@code re.match}), and no exclusion may be found in it
 * (case-insensitive {@code re.search}). Each filter has its own exclusions: the original kept them in one list
 * shared by every filter, so a second filter silently inherited the first one's {@code -x}.
 */
record SwarmFilter(Pattern pattern, List<Pattern> exclusions) {
  static SwarmFilter of(String pattern, List<String> exclusions) {
    return new SwarmFilter(compile(pattern, 0, "pattern"),
        exclusions.stream().map(x -> compile(x, Pattern.CASE_INSENSITIVE, "--exclude")).toList());
  }

  static Pattern compile(String regex, int flags, String what) {
    try {
      return Pattern.compile(regex, flags);
    } catch (PatternSyntaxException e) {
      throw new InputException(what + ": not a regular expression: " + InputException.quote(regex) + " ("
          + e.getDescription() + " near index " + e.getIndex() + ")");
    }
  }

  boolean matches(String name) {
    return pattern.matcher(name).lookingAt() && exclusions.stream().noneMatch(x -> x.matcher(name).find());
  }

  /** How messages show it: the pattern and its exclusions. */
  String describe() {
    return "'" + pattern.pattern() + "'" + (exclusions.isEmpty() ? ""
        : " excluding " + String.join(", ", exclusions.stream().map(x -> "'" + x.pattern() + "'").toList()));
  }
}
