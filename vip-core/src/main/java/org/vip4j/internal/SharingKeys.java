package org.vip4j.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.vip4j.VipConfig;

/**
 * What makes two VIPs' configurations share a DCS client or an address manager: exactly the settings a provider
 * reads when it creates one.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class SharingKeys {

    private SharingKeys() {
    }

    /** The settings a DCS provider reads. */
    public record Dcs(String type, List<URI> endpoints, Duration interval, Duration keepalivePeriod,
                      Optional<String> etcdUser, Optional<String> etcdPassword, Optional<Path> etcdCaFile,
                      Optional<Path> etcdCertFile, Optional<Path> etcdKeyFile, Optional<String> consulToken) {

        /** The password and token take part in equality only: never in a string. */
        @Override
        public String toString() {
            return type + " at " + endpoints;
        }
    }

    /** The settings an address-manager provider reads. */
    public record Address(String type, String interfaceName, Duration takeoverTimeout) {
    }

    public static Dcs dcs(VipConfig c) {
        return new Dcs(c.dcsType(), c.dcsEndpoints(), c.interval(), c.keepalivePeriod(), c.etcdUser(),
                c.etcdPassword(), c.etcdCaFile(), c.etcdCertFile(), c.etcdKeyFile(), c.consulToken());
    }

    public static Address address(VipConfig c) {
        return new Address(c.managerType(), c.interfaceName(), c.takeoverTimeout());
    }
}
