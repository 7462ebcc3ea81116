package vr.runner;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One uptest's outcome, serialized with exactly the original's keys: {@code Name} (file name), {@code Output}
 * (stdout and stderr together), {@code Passed} (exit status 0).
 */
@JsonPropertyOrder({"Name", "Output", "Passed"})
public record UptestResult(@JsonProperty("Name") String name, @JsonProperty("Output") String output,
    @JsonProperty("Passed") boolean passed) {}
