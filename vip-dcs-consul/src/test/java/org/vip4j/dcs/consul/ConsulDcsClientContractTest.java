package org.vip4j.dcs.consul;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vip4j.dcs.consul.testing.ConsulDouble;
import org.vip4j.spi.DcsClient;
import org.vip4j.testing.DcsClientContract;

/** The DCS contract every provider meets, run against the Consul double. */
class ConsulDcsClientContractTest extends DcsClientContract {

    private ConsulDouble consul;

    @BeforeEach
    void startConsul() throws Exception {
        consul = ConsulDouble.start();
    }

    @AfterEach
    void stopConsul() {
        consul.close();
    }

    @Override
    protected DcsClient newClient() {
        return new ConsulDcsProvider().create(ConsulTestConfigs.builder(consul.uri()).build());
    }

    @Override
    protected String key() {
        return "/" + ConsulTestConfigs.KEY;
    }

    @Override
    protected void write(String value) {
        consul.put(ConsulTestConfigs.KEY, value);
    }

    @Override
    protected void delete() {
        consul.delete(ConsulTestConfigs.KEY);
    }

    @Override
    protected void stopDcs() {
        consul.stop();
    }

    @Override
    protected void startDcs() throws Exception {
        consul.restart();
    }
}
