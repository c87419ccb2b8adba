package org.vip4j.net.hetzner;

import java.io.IOException;

/**
 * A Hetzner API refused or failed a call. The message names the service, the call, the HTTP status and the error code
 * (and the rate limit, where the API says it); never a credential.
 */
final class ApiException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    ApiException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came. */
    int status() {
        return status;
    }
}
