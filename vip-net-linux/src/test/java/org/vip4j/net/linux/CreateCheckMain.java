package org.vip4j.net.linux;

import java.net.InetAddress;
import org.vip4j.VipConfig;
import org.vip4j.spi.AddressManager;

/**
 * Creates a basic address manager for the interface named in {@code args[0]} and prints either {@code created} or
 * the exception's message; {@link CapabilityCheckTest} runs it in a JVM stripped of capabilities.
 */
public final class CreateCheckMain {

    private CreateCheckMain() {
    }

    public static void main(String[] args) throws Exception {
        VipConfig config = VipConfig.builder().ip(InetAddress.getByName("198.51.100.10")).netmask(24)
                .interfaceName(args[0]).triggerKey("/service/test/leader").build();
        try (AddressManager m = new LinuxAddressManagerProvider().create(config)) {
            System.out.println("created");
        } catch (IllegalStateException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
