package org.vip4j.dcs.zookeeper;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.testing.DcsClientContract;
import org.vip4j.testing.zookeeper.ZooKeeperExtension;

/** The common DCS contract against a real ZooKeeper (Debian's 3.8 server). */
class ZooKeeperDcsClientContractTest extends DcsClientContract {

    @RegisterExtension
    static final ZooKeeperExtension ZK = ZooKeeperExtension.single();

    static VipConfig config(String endpoints) throws Exception {
        return VipConfig.builder().ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                .dcsType("zookeeper").triggerKey("/service/pg/leader").triggerValue("n1")
                .set("dcs-endpoints", endpoints)
                .interval(Duration.ofMillis(500)).keepalivePeriod(Duration.ofMillis(500)).build();
    }

    @Override
    protected DcsClient newClient() throws Exception {
        return new ZooKeeperDcsClientProvider().create(config(ZK.connectString()));
    }

    @Override
    protected String key() {
        return "/service/pg/leader";
    }

    @Override
    protected void write(String value) throws Exception {
        ZK.put(key(), value);
    }

    @Override
    protected void delete() throws Exception {
        ZK.delete(key());
    }

    @Override
    protected void stopDcs() throws Exception {
        ZK.stop();
    }

    @Override
    protected void startDcs() throws Exception {
        ZK.start();
    }
}
