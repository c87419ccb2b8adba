package org.vip4j.dcs.etcd;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.VipConfig;
import org.vip4j.testing.etcd.EtcdExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.testing.DcsClientContract;

/** The common DCS contract against a real etcd. */
class EtcdDcsClientContractTest extends DcsClientContract {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    static VipConfig config(String endpoints) throws Exception {
        return VipConfig.builder().ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                .triggerKey("/service/pg/leader").triggerValue("n1").set("dcs-endpoints", endpoints)
                .interval(Duration.ofMillis(500)).keepalivePeriod(Duration.ofMillis(500)).build();
    }

    @Override
    protected DcsClient newClient() throws Exception {
        return new EtcdDcsClientProvider().create(config(ETCD.endpoints()));
    }

    @Override
    protected String key() {
        return "/service/pg/leader";
    }

    @Override
    protected void write(String value) throws Exception {
        ETCD.put(key(), value);
    }

    @Override
    protected void delete() throws Exception {
        ETCD.delete(key());
    }

    @Override
    protected void stopDcs() throws Exception {
        ETCD.stop();
    }

    @Override
    protected void startDcs() throws Exception {
        ETCD.start();
    }
}
