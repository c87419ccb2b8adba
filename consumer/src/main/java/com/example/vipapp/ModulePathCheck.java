package com.example.vipapp;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.vip4j.VipConfig;
import org.vip4j.VipManager;
import org.vip4j.spi.AddressManagerProvider;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsClientProvider;

/**
 * A user's application started with vip4j's jars on the module path (scripts/consumer-test.sh does that): vip-core is
 * the named module {@code org.vip4j} exporting its API and SPI only, and every provider is still found, checks its
 * configuration and creates its client there, as on the class path. Exits 1 naming each failure.
 */
public final class ModulePathCheck {

    private ModulePathCheck() {
    }

    public static void main(String[] args) {
        List<String> failures = new ArrayList<>();
        Module core = VipManager.class.getModule();
        if (!core.isNamed() || core.getDescriptor().isAutomatic()) {
            failures.add("vip-core is not an explicit module here: " + core);
        } else {
            for (String pkg : core.getPackages()) {
                boolean exported = core.getDescriptor().exports().stream()
                        .anyMatch(e -> e.source().equals(pkg) && !e.isQualified());
                if (exported != (pkg.equals("org.vip4j") || pkg.equals("org.vip4j.spi"))) {
                    failures.add("module org.vip4j " + (exported ? "exports " : "does not export ") + pkg);
                }
            }
        }
        for (DcsClientProvider p : ServiceLoader.load(DcsClientProvider.class)) {
            System.out.println("dcs-type " + p.type() + ": " + p.getClass().getName() + " in " + p.getClass().getModule());
        }
        for (AddressManagerProvider p : ServiceLoader.load(AddressManagerProvider.class)) {
            System.out.println("manager-type " + p.type() + ": " + p.getClass().getName() + " in "
                    + p.getClass().getModule());
        }
        for (String dcsType : List.of("etcd", "consul", "patroni", "zookeeper")) {
            VipConfig.Builder b = VipConfig.builder()
                    .set("ip", "198.51.100.100").set("netmask", "24").set("interface", "lo")
                    .set("trigger-key", "/service/pg/leader").set("trigger-value", "node1")
                    .set("dcs-type", dcsType).set("dcs-endpoints", "http://127.0.0.1:1")
                    .set("manager-type", "basic");
            List<String> problems = VipManager.check(b);
            if (!problems.isEmpty()) {
                failures.add("dcs-type=" + dcsType + ": " + problems);
                continue;
            }
            // the provider's own code, run from its module: a client is made (no connection is needed for that)
            try (DcsClient client = VipManager.createDcsClient(b.build())) {
                System.out.println("dcs-type " + dcsType + ": client " + client.getClass().getName() + " created");
            } catch (RuntimeException e) {
                failures.add("dcs-type=" + dcsType + ": creating the client failed: " + e);
            }
        }
        // the address manager's own check of the interface, through netlink, from its module
        List<String> noSuchInterface = VipManager.check(VipConfig.builder()
                .set("ip", "198.51.100.100").set("netmask", "24").set("interface", "vip4jnone0")
                .set("trigger-key", "/service/pg/leader").set("dcs-endpoints", "http://127.0.0.1:1"));
        if (noSuchInterface.size() != 1 || !noSuchInterface.get(0).startsWith("interface=vip4jnone0: ")) {
            failures.add("interface=vip4jnone0: expected one problem naming it, got " + noSuchInterface);
        } else {
            System.out.println("manager-type basic: " + noSuchInterface.get(0));
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> System.err.println("module path: " + f));
            System.exit(1);
        }
        System.out.println("module path: vip-core exports org.vip4j and org.vip4j.spi only; every provider works");
    }
}
