package vr.runner;

/**
 * One uptest's outcome, written as JSON with exactly the original's keys: {@code Name} (file name), {@code Output}
 * (stdout and stderr together), {@code Passed} (exit status 0).
 */
public record UptestResult(String name, String output, boolean passed) {}
