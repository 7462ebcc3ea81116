package vr.server.files;

import io.javalin.http.Context;
import vr.server.api.Access;
import vr.server.api.ApiException;
import vr.server.api.Principal;

/**
 * The part of authentication that accepts a signed URL, for the {@link vr.server.api.Authenticator} to call on
 * {@link Access#SIGNED} routes:
 *
 * <pre>{@code
 * if (access == Access.SIGNED && signed.present(ctx)) {
 *   return signed.verify(ctx);   // Principal.SIGNED_URL, or a 403
 * }
 * ... Basic / session / token as for USER routes (a logged-in user may download too)
 * }</pre>
 *
 * A signature on any other route grants nothing: the Authenticator does not look for it there.
 */
public final class SignedUrlCheck {
  private final SignedUrls urls;

  public SignedUrlCheck(SignedUrls urls) {
    this.urls = urls;
  }

  /** True when the request carries a signature or an expiry (then it stands or falls by them). */
  public boolean present(Context ctx) {
    return ctx.queryParam(SignedUrls.SIG) != null || ctx.queryParam(SignedUrls.EXPIRES) != null;
  }

  /** {@link Principal#SIGNED_URL} when the URL is signed for this path and unexpired; else a 403 naming why. */
  public Principal verify(Context ctx) {
    SignedUrls.Verdict v = urls.verify(ctx.req().getRequestURI(), ctx.queryParam(SignedUrls.EXPIRES), ctx.queryParam(SignedUrls.SIG));
    if (v == SignedUrls.Verdict.VALID) {
      return Principal.SIGNED_URL;
    }
    if (v == SignedUrls.Verdict.MISSING) {
      throw ApiException.unauthorized("authentication required");
    }
    throw ApiException.forbidden(v.reason());
  }
}
