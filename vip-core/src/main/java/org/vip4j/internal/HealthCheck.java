package org.vip4j.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code health-check}: what makes a node eligible for an election. One check is one question with a deadline; it
 * completes with a {@link Result}, never exceptionally, and never blocks the caller (a command is started on the
 * executor given, since starting a process forks).
 *
 * <p>Internal: not part of the vip4j API.
 */
public abstract class HealthCheck {

    /** One check's answer; {@code detail} says what was seen, for the log line of a change. */
    public record Result(boolean healthy, String detail) {
    }

    private final String spec;

    private HealthCheck(String spec) {
        this.spec = spec;
    }

    /** The check as configured, for logs and the printed configuration. */
    public String spec() {
        return spec;
    }

    public abstract CompletableFuture<Result> run(Duration timeout, Executor starter);

    /**
     * Reads {@code health-check}: {@code none}, {@code http://...} or {@code https://...}, {@code tcp://host:port},
     * {@code exec:<command>} (run by {@code /bin/sh -c}).
     */
    public static HealthCheck parse(String text) {
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("none") || lower.isEmpty()) {
            return new None();
        }
        if (lower.startsWith("exec:")) {
            String command = t.substring("exec:".length()).trim();
            if (command.isEmpty()) {
                throw new IllegalArgumentException("exec: needs a command");
            }
            return new Command("exec:" + command, command);
        }
        URI uri;
        try {
            uri = new URI(t);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("no host");
        }
        return switch (scheme) {
            case "http", "https" -> new Http(ConfigParsing.mask(t), uri);
            case "tcp" -> {
                if (uri.getPort() < 1) {
                    throw new IllegalArgumentException("tcp:// needs a port");
                }
                yield new Tcp(t, uri.getHost(), uri.getPort());
            }
            default -> throw new IllegalArgumentException("unknown kind of check");
        };
    }

    private static final class None extends HealthCheck {
        None() {
            super("none");
        }

        @Override
        public CompletableFuture<Result> run(Duration timeout, Executor starter) {
            return CompletableFuture.completedFuture(new Result(true, "no health-check configured"));
        }
    }

    private static final class Http extends HealthCheck {
        private final URI url;

        Http(String spec, URI url) {
            super(spec);
            this.url = url;
        }

        @Override
        public CompletableFuture<Result> run(Duration timeout, Executor starter) {
            HttpClient client = SharedClient.INSTANCE;
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenApply(r -> new Result(r.statusCode() == 200, spec() + " answered " + r.statusCode()))
                    .completeOnTimeout(new Result(false, spec() + ": no answer within " + timeout.toMillis() + " ms"),
                            timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> new Result(false, spec() + ": " + cause(e)));
        }
    }

    /**
     * One HTTP client for every check in the process, made at the first check: a client has a thread of its own,
     * and parsing a configuration must not start one. Each request carries its own timeout.
     */
    private static final class SharedClient {
        static final HttpClient INSTANCE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static final class Tcp extends HealthCheck {
        private final String host;
        private final int port;

        Tcp(String spec, String host, int port) {
            super(spec);
            this.host = host;
            this.port = port;
        }

        @Override
        public CompletableFuture<Result> run(Duration timeout, Executor starter) {
            CompletableFuture<Result> result = new CompletableFuture<>();
            AsynchronousSocketChannel channel;
            try {
                channel = AsynchronousSocketChannel.open();
            } catch (IOException e) {
                return CompletableFuture.completedFuture(new Result(false, spec() + ": " + e.getMessage()));
            }
            // an IP literal does not resolve through DNS; a name resolves here, on the starter's thread
            starter.execute(() -> channel.connect(new InetSocketAddress(host, port), null,
                    new CompletionHandler<Void, Void>() {
                        @Override
                        public void completed(Void v, Void a) {
                            result.complete(new Result(true, spec() + " accepted a connection"));
                        }

                        @Override
                        public void failed(Throwable e, Void a) {
                            result.complete(new Result(false, spec() + ": " + cause(e)));
                        }
                    }));
            return result.completeOnTimeout(new Result(false, spec() + ": no connection within " + timeout.toMillis()
                    + " ms"), timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> close(channel));
        }

        private static void close(AsynchronousSocketChannel channel) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was sent on it
            }
        }
    }

    private static final class Command extends HealthCheck {
        private final String command;

        Command(String spec, String command) {
            super(spec);
            this.command = command;
        }

        @Override
        public CompletableFuture<Result> run(Duration timeout, Executor starter) {
            return CompletableFuture.supplyAsync(this::start, starter).thenCompose(p -> p.onExit()
                    .thenApply(done -> new Result(done.exitValue() == 0, spec() + " exited with " + done.exitValue()))
                    .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(r -> {
                        if (r != null) {
                            return r;
                        }
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                        return new Result(false, spec() + ": still running after " + timeout.toMillis()
                                + " ms, killed");
                    })).exceptionally(e -> new Result(false, spec() + ": " + cause(e)));
        }

        private Process start() {
            try {
                return new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static String cause(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.io.UncheckedIOException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
