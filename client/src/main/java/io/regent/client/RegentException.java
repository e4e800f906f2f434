package io.regent.client;

/**
 * A request Regent refused (4xx: a bad key, a failed compare-and-set, a quota) or one that could
 * not be completed before the client's deadline; {@code status} is 0 when no server answered.
 */
public final class RegentException extends RuntimeException {

    private final int status;

    RegentException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
