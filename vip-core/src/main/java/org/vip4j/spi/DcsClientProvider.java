package org.vip4j.spi;

import java.net.URI;
import java.util.List;
import org.vip4j.VipConfig;

/**
 * Makes {@link DcsClient}s of one type; found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.vip4j.spi.DcsClientProvider} and chosen by {@code dcs-type}.
 */
public interface DcsClientProvider {

    /** The SPI version this interface describes; providers built against another one are refused. */
    int SPI_VERSION = 1;

    /** The SPI version the provider was built for. */
    default int spiVersion() {
        return SPI_VERSION;
    }

    /** The {@code dcs-type} value this provider answers to, lower case: {@code etcd}, {@code consul}, ... */
    String type();

    /**
     * Creates a client for the DCS settings of {@code config} ({@code dcs-endpoints}, credentials, TLS files).
     * Throws {@link IllegalArgumentException} or {@link IllegalStateException} with a message naming the setting
     * at fault when the client cannot be made; must not wait for the DCS to answer.
     */
    DcsClient create(VipConfig config);

    /**
     * Whether this type's clients offer {@link DcsClient#elections()}, for {@code vip4j check}, which creates no
     * client. Default: false.
     */
    default boolean offersElections() {
        return false;
    }

    /**
     * What this type cannot use in {@code dcs-endpoints} (already parsed as URLs: a bare {@code host:port} arrived as
     * {@code http://host:port}), each as {@code dcs-endpoints=<value>: <what is wrong>; allowed: <what is>}, for
     * {@code vip4j check} and {@code VipManager.check}, which connect to nothing. {@link #create} refuses the same
     * endpoints. Default: none.
     */
    default List<String> endpointProblems(List<URI> endpoints) {
        return List.of();
    }
}
