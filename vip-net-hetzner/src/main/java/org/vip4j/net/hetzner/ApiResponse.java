package org.vip4j.net.hetzner;

import java.net.http.HttpHeaders;
import org.vip4j.spi.Json;

/** One answer of a Hetzner API, as received: the status, the body as text and the headers (rate limits). */
record ApiResponse(int status, String body, HttpHeaders headers) {

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The body as JSON; a body that is not JSON (a proxy's error page) is an IOException naming the status. */
    Object json(String service, String what) throws ApiException {
        try {
            return Json.parse(body);
        } catch (IllegalArgumentException e) {
            throw new ApiException(service + " answered " + status + " to " + what + " with a body that is not JSON ("
                    + e.getMessage() + ")", status);
        }
    }
}
