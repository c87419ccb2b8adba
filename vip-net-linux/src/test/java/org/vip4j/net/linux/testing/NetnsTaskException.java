package org.vip4j.net.linux.testing;

/** A checked exception thrown by a task run in a namespace; {@link #getCause()} is the original. */
public final class NetnsTaskException extends RuntimeException {

    public NetnsTaskException(Throwable cause) {
        super(cause.toString(), cause);
    }
}
