package org.vip4j.dcs.patroni;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.vip4j.spi.DcsClient;
import org.vip4j.testing.DcsClientContract;

/** The DCS contract, for Patroni's REST API: values are HTTP statuses, and there is no absent key. */
class PatroniDcsClientContractTest extends DcsClientContract {

    private PatroniDouble patroni;

    @BeforeEach
    void startPatroni() throws Exception {
        patroni = PatroniDouble.start();
    }

    @AfterEach
    void stopPatroni() {
        patroni.close();
    }

    @Override
    protected DcsClient newClient() {
        return new PatroniDcsProvider().create(PatroniTestConfigs.builder(patroni.uri()).build());
    }

    @Override
    protected String key() {
        return "/leader";
    }

    @Override
    protected void write(String value) {
        patroni.answer(Integer.parseInt(value));
    }

    @Override
    protected void delete() {
        throw new UnsupportedOperationException("Patroni's REST API has no absent key");
    }

    @Override
    protected void stopDcs() {
        patroni.stop();
    }

    @Override
    protected void startDcs() throws Exception {
        patroni.restart();
    }

    @Override
    protected String valueA() {
        return "200";
    }

    @Override
    protected String valueB() {
        return "503";
    }

    @Override
    protected boolean supportsAbsentKey() {
        return false;
    }
}
