package vr.server.api;

import io.javalin.http.Context;

/** Finds the caller of a request (Basic, session, token, signed URL), or throws a 401 {@link ApiException}. */
public interface Authenticator {
  Principal authenticate(Context ctx, Access access);
}
