package vr.server.api;

/** Who may call a route. Every route names one; {@link Router} checks it before the handler runs. */
public enum Access {
  /** Anyone: the health check and the login form only. */
  PUBLIC,
  /** A logged-in user: HTTP Basic, a session cookie or an API token. */
  USER,
  /** A user with the admin flag (user management). */
  ADMIN,
  /** A runner holding a signed, unexpired URL (build and image downloads); a logged-in user also may. */
  SIGNED
}
