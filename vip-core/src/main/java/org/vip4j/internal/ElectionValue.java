package org.vip4j.internal;

/**
 * What the election key holds: the holder's name, and whether it holds as a fallback candidate (its health-check
 * failing, its fallback-check passing). The tier rides in the value so that a preferred candidate can tell, from the
 * one key it watches, that the holder would give way to it; the VIP's manager only ever sees the name.
 *
 * <p>Internal: not part of the vip4j API.
 */
record ElectionValue(String name, boolean fallback) {

    private static final String FALLBACK = ";fallback";

    static ElectionValue parse(String value) {
        return value.endsWith(FALLBACK)
                ? new ElectionValue(value.substring(0, value.length() - FALLBACK.length()), true)
                : new ElectionValue(value, false);
    }

    String encoded() {
        return fallback ? name + FALLBACK : name;
    }
}
