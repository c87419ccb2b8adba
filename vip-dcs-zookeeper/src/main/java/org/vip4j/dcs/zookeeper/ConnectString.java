package org.vip4j.dcs.zookeeper;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code dcs-endpoints} as ZooKeeper's connect string. The core reads every endpoint as a URL (a bare
 * {@code host:port} gets {@code http://}), so {@code 198.51.100.10:2181,198.51.100.11:2181/pg} arrives as two URLs,
 * the second with the path {@code /pg}: that path is the chroot, which ZooKeeper allows once, after the last host.
 *
 * @param hosts  {@code host:port} each, port 2181 where none was given
 * @param chroot the chroot, or empty
 */
record ConnectString(List<String> hosts, String chroot) {

    static final int DEFAULT_PORT = 2181;

    /** The connect string; throws {@link IllegalArgumentException} with every problem when it cannot be made. */
    static ConnectString of(List<URI> endpoints) {
        List<String> problems = problems(endpoints);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        List<String> hosts = new ArrayList<>();
        String chroot = "";
        for (URI u : endpoints) {
            hosts.add(hostPort(u));
            if (!path(u).isEmpty()) {
                chroot = path(u);
            }
        }
        return new ConnectString(List.copyOf(hosts), chroot);
    }

    /** What is wrong with {@code endpoints} as a connect string, each as {@code dcs-endpoints=...: why}. */
    static List<String> problems(List<URI> endpoints) {
        Set<String> problems = new LinkedHashSet<>();
        Set<String> chroots = new LinkedHashSet<>();
        String all = endpoints.stream().map(ConnectString::shown).collect(Collectors.joining(","));
        for (int i = 0; i < endpoints.size(); i++) {
            URI u = endpoints.get(i);
            String shown = shown(u);
            String where = "dcs-endpoints=" + all + ": '" + shown + "' ";
            if ("https".equalsIgnoreCase(u.getScheme())) {
                problems.add(where + "asks for TLS, which the zookeeper client does not speak yet; allowed: "
                        + "host:port[,host:port...][/chroot] in plain text");
            } else if (u.getRawUserInfo() != null) {
                problems.add(where + "carries credentials; ZooKeeper takes none in its connect string; allowed: "
                        + "host:port[,host:port...][/chroot]");
            } else if (u.getRawQuery() != null || u.getRawFragment() != null) {
                problems.add(where + "has a query or fragment; allowed: host:port[,host:port...][/chroot]");
            }
            String path = path(u);
            if (!path.isEmpty()) {
                chroots.add(path);
                if (i != endpoints.size() - 1) {
                    problems.add(where + "has a chroot (" + path + ") before another host; ZooKeeper takes one "
                            + "chroot, after the last host: host:port,host:port" + path);
                }
                String why = chrootProblem(path);
                if (why != null) {
                    problems.add(where + "has an invalid chroot " + path + ": " + why);
                }
            }
        }
        return List.copyOf(problems);
    }

    /** The connect string as Curator takes it. */
    String value() {
        return String.join(",", hosts) + chroot;
    }

    @Override
    public String toString() {
        return value();
    }

    private static String hostPort(URI u) {
        String host = u.getHost();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + ":" + (u.getPort() < 0 ? DEFAULT_PORT : u.getPort());
    }

    private static String path(URI u) {
        String p = u.getRawPath() == null ? "" : u.getRawPath();
        return p.equals("/") ? "" : p;
    }

    private static String shown(URI u) {
        String s = u.getRawUserInfo() == null ? u.toString() : u.toString().replace(u.getRawUserInfo() + "@", "*****@");
        return s.startsWith("http://") ? s.substring("http://".length()) : s;
    }

    /** ZooKeeper's own path rules (PathUtils.validatePath), said in words; null when valid. */
    private static String chrootProblem(String path) {
        if (path.endsWith("/")) {
            return "it ends with '/'";
        }
        if (path.contains("//")) {
            return "it has an empty part ('//')";
        }
        for (String part : path.substring(1).split("/")) {
            if (part.equals(".") || part.equals("..")) {
                return "relative parts ('.', '..') are not allowed";
            }
        }
        for (char c : path.toCharArray()) {
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return "it contains a control character";
            }
        }
        return null;
    }
}
