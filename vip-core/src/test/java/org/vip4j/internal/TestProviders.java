package org.vip4j.internal;

import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsClientProvider;
import org.vip4j.testing.InMemoryDcs;

/** Providers registered in the test class path's META-INF/services, for {@link ProvidersTest}. */
final class TestProviders {

    private TestProviders() {
    }

    /** A provider of one type and SPI version, making in-memory clients. */
    abstract static class Typed implements DcsClientProvider {
        private final String type;
        private final int version;

        Typed(String type, int version) {
            this.type = type;
            this.version = version;
        }

        @Override
        public int spiVersion() {
            return version;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public DcsClient create(VipConfig config) {
            return new InMemoryDcs();
        }
    }

    public static final class Memory extends Typed {
        public Memory() {
            super("memory", SPI_VERSION);
        }
    }

    public static final class TwinA extends Typed {
        public TwinA() {
            super("twin", SPI_VERSION);
        }
    }

    public static final class TwinB extends Typed {
        public TwinB() {
            super("twin", SPI_VERSION);
        }
    }

    /** Built for a future SPI: must be left out with a warning. */
    public static final class FromTheFuture extends Typed {
        public FromTheFuture() {
            super("future", SPI_VERSION + 1);
        }
    }
}
