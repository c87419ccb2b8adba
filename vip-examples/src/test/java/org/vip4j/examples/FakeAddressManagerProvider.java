package org.vip4j.examples;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.vip4j.VipConfig;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.AddressManagerProvider;
import org.vip4j.testing.FakeAddressManager;

/**
 * {@code manager-type: fake}, on the test class path only: lets the launcher's real run path be tested in-process
 * without touching any network interface. One fake interface per interface name, shared, so a test can look.
 */
public final class FakeAddressManagerProvider implements AddressManagerProvider {

    static final Map<String, FakeAddressManager> INTERFACES = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "fake";
    }

    @Override
    public AddressManager create(VipConfig config) {
        return INTERFACES.computeIfAbsent(config.interfaceName(), n -> new FakeAddressManager());
    }
}
