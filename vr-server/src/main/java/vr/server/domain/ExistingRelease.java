package vr.server.domain;

/** A release that is already stored: its id, what it is made of, and its hash (null while its build is unbuilt). */
public record ExistingRelease(long id, ReleaseSpec spec, String hash) {}
