package vr.server.auth;

import java.time.Instant;

/** A row of {@code auth_token} without its hash: what a token list shows. */
public record ApiToken(long id, long userId, String name, String prefix, Instant created, Instant lastUsed) {}
