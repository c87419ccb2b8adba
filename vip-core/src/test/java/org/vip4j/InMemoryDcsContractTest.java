package org.vip4j;

import org.vip4j.spi.DcsClient;
import org.vip4j.testing.DcsClientContract;
import org.vip4j.testing.InMemoryDcs;

/** The in-memory DCS meets the same contract as the real providers, so unit tests built on it mean something. */
class InMemoryDcsContractTest extends DcsClientContract {

    private final InMemoryDcs dcs = new InMemoryDcs();

    @Override
    protected DcsClient newClient() {
        return dcs;
    }

    @Override
    protected String key() {
        return "/service/pg/leader";
    }

    @Override
    protected void write(String value) {
        dcs.put(key(), value);
    }

    @Override
    protected void delete() {
        dcs.delete(key());
    }

    @Override
    protected void stopDcs() {
        dcs.goUnreachable("stopped by the test");
    }

    @Override
    protected void startDcs() {
        dcs.restore();
    }
}
