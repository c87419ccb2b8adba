package org.vip4j.net.hetzner;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.vip4j.VipConfig;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.AddressManager;

/** Configurations and a recording local manager for the tests; documentation addresses only. */
final class TestConfigs {

    static final String VIP = "198.51.100.100";
    static final String THIS_SERVER = "198.51.100.10";
    static final String OTHER_SERVER = "198.51.100.20";

    private TestConfigs() {
    }

    static VipConfig config(String type, String ip, Duration takeoverTimeout) throws IOException {
        return VipConfig.builder()
                .ip(InetAddress.getByName(ip))
                .netmask(ip.contains(":") ? 128 : 32)
                .interfaceName("lo")
                .triggerKey("/service/pg/leader")
                .triggerValue("pg1")
                .managerType(type)
                .takeoverTimeout(takeoverTimeout)
                .build();
    }

    static VirtualAddress vip(String ip) throws IOException {
        return new VirtualAddress(InetAddress.getByName(ip), ip.contains(":") ? 128 : 32, "lo");
    }

    /** Stands in for the netlink manager: records calls, holds a set of addresses. */
    static final class LocalRecorder implements AddressManager {
        final List<String> calls = new ArrayList<>();
        final List<VirtualAddress> present = new ArrayList<>();
        boolean closed;

        @Override
        public synchronized boolean isPresent(VirtualAddress vip) {
            return present.contains(vip);
        }

        @Override
        public synchronized void add(VirtualAddress vip) {
            calls.add("add " + vip.host());
            if (!present.contains(vip)) {
                present.add(vip);
            }
        }

        @Override
        public synchronized void remove(VirtualAddress vip) {
            calls.add("remove " + vip.host());
            present.remove(vip);
        }

        @Override
        public synchronized void announce(VirtualAddress vip) {
            calls.add("announce " + vip.host());
        }

        @Override
        public synchronized void close() {
            closed = true;
        }
    }
}
