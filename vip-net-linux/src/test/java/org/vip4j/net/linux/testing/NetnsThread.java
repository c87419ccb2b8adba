package org.vip4j.net.linux.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.SaveError;

/**
 * A dedicated thread living in one network namespace: it calls {@code setns(2)} on {@code /var/run/netns/<name>}
 * before running anything, so sockets it opens belong to that namespace (a socket keeps the namespace it was
 * created in, whichever thread uses it later). Processes it starts inherit the namespace too. The thread is never
 * shared, so the rest of the JVM stays in the namespace it started in.
 */
public final class NetnsThread implements AutoCloseable {

    /** setns(2) with CLONE_NEWNET: only the network namespace changes. */
    private static final int CLONE_NEWNET = 0x40000000;
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /** The libc calls needed to switch; public because jnr-ffi generates a class implementing it. */
    public interface Setns {
        @SaveError
        int open(String path, int flags);

        @SaveError
        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final class Holder {
        static final Setns LIBC = LibraryLoader.create(Setns.class).load("c");
        static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
    }

    /** A task that may throw anything. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final String namespace;
    private final ExecutorService executor;

    private NetnsThread(String namespace) {
        this.namespace = namespace;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + namespace);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the thread and moves it into {@code namespace} (a name under /var/run/netns). */
    public static NetnsThread enter(String namespace) {
        NetnsThread thread = new NetnsThread(namespace);
        try {
            thread.run(() -> {
                String path = "/var/run/netns/" + namespace;
                int fd = Holder.LIBC.open(path, O_RDONLY_CLOEXEC);
                if (fd < 0) {
                    throw new IllegalStateException("cannot open " + path + ": errno "
                            + jnr.ffi.LastError.getLastError(Holder.RUNTIME));
                }
                try {
                    if (Holder.LIBC.setns(fd, CLONE_NEWNET) < 0) {
                        throw new IllegalStateException("setns(" + path + ") failed: errno "
                                + jnr.ffi.LastError.getLastError(Holder.RUNTIME) + " (needs CAP_SYS_ADMIN)");
                    }
                } finally {
                    Holder.LIBC.close(fd);
                }
            });
        } catch (RuntimeException e) {
            thread.close();
            throw e;
        }
        return thread;
    }

    public String namespace() {
        return namespace;
    }

    /** Runs {@code task} in the namespace and returns its result; exceptions are rethrown unchecked. */
    public <T> T call(Callable<T> task) {
        Future<T> future = executor.submit(task);
        try {
            return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new NetnsTaskException(cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("task in namespace " + namespace + " did not finish within "
                    + CALL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for namespace " + namespace, e);
        }
    }

    /** Runs {@code task} in the namespace. */
    public void run(Task task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
