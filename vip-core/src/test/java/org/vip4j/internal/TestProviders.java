package org.vip4j.internal;

import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsClientProvider;
import org.vip4j.testing.InMemoryDcs;

/** Providers registered in the test class path's META-INF/services, for {@link ProvidersTest}. */
final class TestProviders {

    private TestProviders() {
    }

    public static final class Memory implements DcsClientProvider {
        @Override
        public String type() {
            return "memory";
        }

        @Override
        public DcsClient create(VipConfig config) {
            return new InMemoryDcs();
        }
    }

    public static final class TwinA implements DcsClientProvider {
        @Override
        public String type() {
            return "twin";
        }

        @Override
        public DcsClient create(VipConfig config) {
            return new InMemoryDcs();
        }
    }

    public static final class TwinB implements DcsClientProvider {
        @Override
        public String type() {
            return "twin";
        }

        @Override
        public DcsClient create(VipConfig config) {
            return new InMemoryDcs();
        }
    }

    /** Built for a future SPI: must be left out with a warning. */
    public static final class FromTheFuture implements DcsClientProvider {
        @Override
        public int spiVersion() {
            return SPI_VERSION + 1;
        }

        @Override
        public String type() {
            return "future";
        }

        @Override
        public DcsClient create(VipConfig config) {
            return new InMemoryDcs();
        }
    }
}
