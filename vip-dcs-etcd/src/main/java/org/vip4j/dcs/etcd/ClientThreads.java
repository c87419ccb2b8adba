package org.vip4j.dcs.etcd;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one etcd client besides Netty's: two for gRPC's callbacks and two for jetcd's own tasks, however
 * many calls are in flight. Left to themselves, gRPC and jetcd each run their work on a cached pool that grows a
 * thread for every task that finds the others busy: a process confirming 1000 VIPs each keepalive period had
 * 150-200 {@code grpc-default-executor} threads, and 50 confirmations at once start 18 {@code jetcd-pool} threads.
 * gRPC gets its executor through every call's {@link CallOptions} (jetcd has no other way to give its channel one),
 * jetcd through its builder. The work is short (decode a message, hand it on: the watch to its own executor, a read
 * to a future the runtime's strands take over from); the TCP probe after a failed call and the rebuild run on the
 * client's own thread. Two pools, not one, so that a jetcd task waiting on a gRPC callback could never wait for itself.
 */
final class ClientThreads implements AutoCloseable {

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final ExecutorService callbacks;
    private final ExecutorService tasks;
    private final ClientInterceptor interceptor;

    ClientThreads() {
        int client = CLIENTS.incrementAndGet();
        this.callbacks = pool("vip4j-etcd-grpc-" + client + "-");
        this.tasks = pool("vip4j-etcd-jetcd-" + client + "-");
        this.interceptor = new ClientInterceptor() {
            @Override
            public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options,
                    Channel next) {
                return next.newCall(method, options.withExecutor(callbacks));
            }
        };
    }

    /** For {@code ClientBuilder.interceptor}: every call's callbacks on this client's two gRPC threads. */
    ClientInterceptor interceptor() {
        return interceptor;
    }

    /** For {@code ClientBuilder.executorService}: jetcd's retries and result conversions. */
    ExecutorService tasks() {
        return tasks;
    }

    /** After the client that used them: calls still in flight end with the channel's own error. */
    @Override
    public void close() {
        callbacks.shutdown();
        tasks.shutdown();
    }

    private static ExecutorService pool(String prefix) {
        AtomicInteger threads = new AtomicInteger();
        // idle threads end after a minute: a process that only stands by needs none between its calls. After close,
        // the last callbacks of cancelled calls run where they are handed over, rather than be lost.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, prefix + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, closed) -> task.run());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
