package org.vip4j.net.hetzner;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a manager's settings from an environment (a map, so tests need no real variables) and the files it names,
 * collecting every problem so that {@code create()} reports them all at once. Secret values never appear in a
 * problem: only the variable or file they came from.
 */
final class EnvReader {

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvReader(Map<String, String> env) {
        this.env = env;
    }

    Optional<String> text(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /** A value that must be set; {@code allowed} says what it may be. */
    Optional<String> required(String name, String allowed) {
        Optional<String> v = text(name);
        if (v.isEmpty()) {
            problems.add(name + " is not set; allowed: " + allowed);
        }
        return v;
    }

    /** An https:// (or, for a test double, http://) URL, default {@code fallback}. */
    URI url(String name, String fallback) {
        String v = text(name).orElse(fallback);
        try {
            URI u = new URI(v);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || u.getHost() == null || u.getUserInfo() != null
                    || u.getQuery() != null) {
                problems.add(name + "=" + v + ": not a base URL; allowed: https://host[:port][/path] without user "
                        + "or query (default " + fallback + ")");
                return URI.create(fallback);
            }
            return u;
        } catch (URISyntaxException e) {
            problems.add(name + "=" + v + ": not a URL; allowed: https://host[:port][/path] (default " + fallback
                    + ")");
            return URI.create(fallback);
        }
    }

    /** A positive duration: whole seconds or with a unit (500ms, 30s, 2m). */
    Duration duration(String name, Duration fallback) {
        Optional<String> v = text(name);
        if (v.isEmpty()) {
            return fallback;
        }
        String t = v.get().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(t));
            }
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + v.get() + ": not a duration; allowed: a positive duration, whole seconds (30) "
                    + "or with a unit (500ms, 30s, 2m)");
            return fallback;
        }
    }

    /** {@code none} (default) or {@code basic}: whether the address also goes on the local interface. */
    boolean local(String name) {
        String v = text(name).orElse("none").toLowerCase(Locale.ROOT);
        if (v.equals("none")) {
            return false;
        }
        if (v.equals("basic")) {
            return true;
        }
        problems.add(name + "=" + v + ": unknown; allowed: none (the address is configured on the interface "
                + "already) or basic (vip4j adds and removes it with the netlink manager)");
        return false;
    }

    /**
     * A secret from {@code valueName}, else from the file {@code fileName} names (its whole content, trimmed); a
     * problem when neither or both are set.
     */
    Optional<String> secret(String valueName, String fileName, String what) {
        Optional<String> value = text(valueName);
        Optional<String> file = text(fileName);
        if (value.isPresent() && file.isPresent()) {
            problems.add(valueName + " and " + fileName + " are both set; allowed: one of them");
            return Optional.empty();
        }
        if (value.isPresent()) {
            return value;
        }
        if (file.isEmpty()) {
            problems.add(valueName + " (or " + fileName + ") is not set; allowed: " + what);
            return Optional.empty();
        }
        return readFile(fileName, file.get()).map(String::strip).filter(s -> {
            if (s.isEmpty()) {
                problems.add(fileName + "=" + file.get() + ": the file is empty; allowed: a file holding " + what);
            }
            return !s.isEmpty();
        });
    }

    /**
     * The {@code key=value} lines of a file such as vip-manager's {@code /etc/hetzner} ({@code user=...},
     * {@code pass=...}); values may be quoted, {@code #} starts a comment line.
     */
    Optional<Map<String, String>> keyValueFile(String name, String path) {
        Optional<String> content = readFile(name, path);
        if (content.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        content.get().lines().forEach(line -> {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq < 1) {
                return;
            }
            String v = l.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(l.substring(0, eq).strip(), v);
        });
        return Optional.of(out);
    }

    private Optional<String> readFile(String name, String path) {
        try {
            return Optional.of(Files.readString(Path.of(path), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            problems.add(name + "=" + path + ": cannot read the file (" + e.getClass().getSimpleName() + "); allowed: "
                    + "a file readable by the vip4j user");
            return Optional.empty();
        }
    }

    /**
     * The variables under {@code prefix} that are none of {@code known}: typos, which the core no longer warns
     * about, since it leaves the manager's own prefix to the manager.
     */
    List<String> strays(String prefix, Set<String> known) {
        return new TreeSet<>(env.keySet()).stream().filter(n -> n.startsWith(prefix) && !known.contains(n)).toList();
    }

    void problem(String text) {
        problems.add(text);
    }

    /**
     * Throws when anything was missing or invalid, naming every problem and the manager type, and the variables
     * under the manager's prefix it does not read: a misspelt name is the likeliest reason for a missing one.
     */
    void failIfProblems(String managerType, List<String> strays) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("manager-type=" + managerType + " cannot start: "
                    + String.join("; ", problems) + (strays.isEmpty() ? "" : "; set but not read (a typo?): " + strays)
                    + " (see README.md, section Cloud failover IPs (Hetzner))");
        }
    }
}
