package org.vip4j.spi;

import java.util.Optional;
import org.vip4j.VipConfig;

/**
 * Makes {@link AddressManager}s of one type; found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.vip4j.spi.AddressManagerProvider} and chosen by {@code manager-type}.
 */
public interface AddressManagerProvider {

    /** The SPI version this interface describes; providers built against another one are refused. */
    int SPI_VERSION = 1;

    /** The SPI version the provider was built for. */
    default int spiVersion() {
        return SPI_VERSION;
    }

    /** The {@code manager-type} value this provider answers to, lower case: {@code basic}, ... */
    String type();

    /**
     * Creates a manager for the VIP's interface. Checks up front what it will need on the first failover (the
     * interface exists, privileges such as CAP_NET_ADMIN) and throws {@link IllegalStateException} with a message
     * that says what is missing and how to grant it.
     */
    AddressManager create(VipConfig config);

    /**
     * Why interface {@code name} cannot carry a VIP here (it does not exist, say), for configuration checks that
     * report every problem at once; empty when it can, or when this provider cannot tell before {@link #create}.
     * Must not need privileges, and must find an interface that has no address at all.
     */
    default Optional<String> interfaceProblem(String name) {
        return Optional.empty();
    }
}
