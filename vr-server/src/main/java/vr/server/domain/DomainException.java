package vr.server.domain;

/**
 * A refusal of the domain that is about the state of the world rather than one field of a request: no active
 * host in a squad, no free port on a host. Its message is for the user as it is (a swarm's failure event, or
 * the body of a 409 when a request meets it).
 */
public class DomainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DomainException(String message) {
    super(message);
  }
}
