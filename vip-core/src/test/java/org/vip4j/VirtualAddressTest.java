package org.vip4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class VirtualAddressTest {

    @ParameterizedTest
    @CsvSource({
        "2001:db8:0:0:0:0:0:100, 2001:db8::100",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "0:0:0:0:0:0:0:1, ::1",
        "fe80:0:0:0:0:0:0:0, fe80::",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "198.51.100.100, 198.51.100.100"})
    void printsAddressesTheWayIpAddrDoes(String literal, String expected) throws Exception {
        assertThat(new VirtualAddress(InetAddress.getByName(literal), 24, "eth0").host()).isEqualTo(expected);
    }

    @Test
    void refusesAPrefixThatDoesNotFitTheFamily() throws Exception {
        assertThatThrownBy(() -> new VirtualAddress(InetAddress.getByName("198.51.100.1"), 33, "eth0"))
                .hasMessageContaining("prefix length 33 is out of range 0..32");
    }
}
