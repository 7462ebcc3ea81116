package vr.server.auth;

import java.time.Instant;
import vr.server.api.Principal;

/** A row of {@code auth_user}. The hash never leaves the auth package in a response. */
public record User(long id, String username, String passwordHash, boolean admin, boolean active, Instant created,
    Instant lastLogin) {
  public Principal principal() {
    return new Principal(username, admin);
  }

  @Override
  public String toString() {
    return "User[" + id + ", " + username + (admin ? ", admin" : "") + (active ? "" : ", inactive") + "]";
  }
}
