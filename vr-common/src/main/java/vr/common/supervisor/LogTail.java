package vr.common.supervisor;

/**
 * A piece of a proc's stdout log from {@code tailProcessStdoutLog}: the text, the offset to ask from next
 * time, and whether the log outgrew the requested length since that offset.
 */
public record LogTail(String text, long offset, boolean overflow) {}
