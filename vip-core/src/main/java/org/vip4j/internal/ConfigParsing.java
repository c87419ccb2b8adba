package org.vip4j.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns configuration text into typed values. Every method throws {@link IllegalArgumentException} whose message is
 * a short reason; the caller adds the key, the value and what is allowed.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class ConfigParsing {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)?");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private ConfigParsing() {
    }

    /** A bare number in {@code bareUnitMillis} units, or a number with {@code ms}, {@code s} or {@code m}. */
    public static Duration duration(String text, long bareUnitMillis) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2);
        if (unit == null) {
            return Duration.ofMillis(n * bareUnitMillis);
        }
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }

    /** A literal IPv4 or IPv6 address; never a host name (no DNS lookup at start-up). */
    public static InetAddress address(String text) {
        String t = text.trim();
        Matcher v4 = IPV4.matcher(t);
        try {
            if (v4.matches()) {
                for (int i = 1; i <= 4; i++) {
                    if (Integer.parseInt(v4.group(i)) > 255) {
                        throw new IllegalArgumentException("not an IP address");
                    }
                }
                return InetAddress.getByName(t);
            }
            if (t.contains(":") && IPV6_CHARS.matcher(t).matches()) {
                return InetAddress.getByName(t);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address");
        }
        throw new IllegalArgumentException("not an IP address");
    }

    /** A prefix length, or a contiguous dotted IPv4 mask turned into one. */
    public static int prefixLength(String text) {
        String t = text.trim();
        if (t.matches("\\d{1,3}")) {
            int n = Integer.parseInt(t);
            if (n > 128) {
                throw new IllegalArgumentException("prefix length above 128");
            }
            return n;
        }
        if (IPV4.matcher(t).matches()) {
            byte[] b = address(t).getAddress();
            int bits = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            int prefix = Integer.bitCount(bits);
            int expected = prefix == 0 ? 0 : -1 << (32 - prefix);
            if (bits != expected) {
                throw new IllegalArgumentException("the mask's bits are not contiguous");
            }
            return prefix;
        }
        throw new IllegalArgumentException("neither a prefix length nor a dotted mask");
    }

    public static String interfaceName(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.length() > 15 || t.equals(".") || t.equals("..") || !t.matches("[^/\\s:]+")) {
            throw new IllegalArgumentException("not a valid interface name");
        }
        return t;
    }

    public static String text(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        return text;
    }

    public static String word(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (!t.matches("[a-z0-9][a-z0-9_-]*")) {
            throw new IllegalArgumentException("not a type name");
        }
        return t;
    }

    /** {@code etcd3} is the same API as {@code etcd}; etcd's v2 API is refused with the reason. */
    public static String dcsType(String text) {
        String t = word(text);
        if (t.equals("etcd3")) {
            return "etcd";
        }
        if (t.equals("etcd2") || t.equals("etcdv2") || t.equals("etcd-v2") || t.equals("etcd_v2")) {
            throw new IllegalArgumentException("etcd's v2 API is not supported (etcd 3.6 removed it); use etcd, the v3 "
                    + "API that Patroni's etcd3 mode writes");
        }
        return t;
    }

    /** Comma-separated URLs; a bare {@code host:port} gets {@code http://}. */
    public static List<URI> endpoints(String text) {
        List<URI> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            if (!p.contains("://")) {
                p = "http://" + p;
            }
            URI uri;
            try {
                uri = new URI(p);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("'" + mask(part.trim()) + "' is not a URL");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("'" + mask(part.trim()) + "' is neither http:// nor https://");
            }
            if (uri.getHost() == null || uri.getPort() == 0) {
                throw new IllegalArgumentException("'" + mask(part.trim()) + "' has no host");
            }
            out.add(uri);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no endpoint");
        }
        return List.copyOf(out);
    }

    /** {@code off}, or one http(s) URL; empty means off. */
    public static java.util.Optional<URI> urlOrOff(String text) {
        String t = text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("off") || t.equalsIgnoreCase("false")) {
            return java.util.Optional.empty();
        }
        List<URI> urls = endpoints(t);
        if (urls.size() != 1) {
            throw new IllegalArgumentException("expects one URL");
        }
        return java.util.Optional.of(urls.get(0));
    }

    public static String logLevel(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        return switch (t) {
            case "DEBUG", "INFO", "WARNING", "ERROR" -> t;
            case "WARN" -> "WARNING";
            default -> throw new IllegalArgumentException("unknown log level");
        };
    }

    public static int count(String text) {
        String t = text.trim();
        if (!t.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("not a whole number");
        }
        int n = Integer.parseInt(t);
        if (n < 1 || n > 100) {
            throw new IllegalArgumentException("out of range");
        }
        return n;
    }

    public static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    public static Path readableFile(String text) {
        Path p = Path.of(text.trim());
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("no such file");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException("not a readable file");
        }
        return p;
    }

    /** Hides the password in {@code scheme://user:password@host} forms. */
    public static String mask(String url) {
        return url.replaceAll("(://[^/@:]*:)[^/@]*@", "$1*****@");
    }
}
