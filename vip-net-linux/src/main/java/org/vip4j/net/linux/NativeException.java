package org.vip4j.net.linux;

import java.io.IOException;

/** A system call or a netlink request the kernel refused; {@link #errno()} tells callers which case it was. */
final class NativeException extends IOException {

    private final int errno;

    NativeException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    int errno() {
        return errno;
    }
}
