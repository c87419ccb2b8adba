/**
 * vip4j's core: {@link org.vip4j.VipManager} and its configuration ({@code org.vip4j}), and the service provider
 * interfaces that DCS clients and address managers implement ({@code org.vip4j.spi}). Nothing else is exported: the
 * state machine, its event loop and the configuration parser may change in any release.
 */
module org.vip4j {
    requires org.slf4j;
    requires java.net.http;

    exports org.vip4j;
    exports org.vip4j.spi;

    uses org.vip4j.spi.DcsClientProvider;
    uses org.vip4j.spi.AddressManagerProvider;
}
