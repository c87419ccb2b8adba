package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nlmsghdr, ifaddrmsg and rtattr layout, alignment and parsing. */
class NetlinkMessageTest {

    @Test
    void alignRoundsUpToFourBytes() {
        assertThat(NetlinkSocket.align(0)).isZero();
        assertThat(NetlinkSocket.align(1)).isEqualTo(4);
        assertThat(NetlinkSocket.align(4)).isEqualTo(4);
        assertThat(NetlinkSocket.align(9)).isEqualTo(12);
    }

    @Test
    void requestHasHeaderFamilyHeaderAndPaddedAttributes() {
        byte[] msg = new NetlinkMessage(RtNetlink.RTM_NEWADDR, 0x605)
                .ifaddrmsg(LibC.AF_INET, 24, 0, 7)
                .attribute(RtNetlink.IFA_LOCAL, new byte[] {(byte) 198, 51, 100, 10})
                .attribute(RtNetlink.IFLA_IFNAME, new byte[] {'e', 't', 'h', '0', 0})
                .bytes();
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder());
        // 16 header + 8 ifaddrmsg + (4+4) + (4+5 padded to 12) = 44
        assertThat(msg).hasSize(44);
        assertThat(b.getInt(0)).as("nlmsg_len").isEqualTo(44);
        assertThat(b.getShort(4)).as("nlmsg_type").isEqualTo((short) 20);
        assertThat(b.getShort(6)).as("nlmsg_flags").isEqualTo((short) 0x605);
        assertThat(msg[16]).as("ifa_family").isEqualTo((byte) 2);
        assertThat(msg[17]).as("ifa_prefixlen").isEqualTo((byte) 24);
        assertThat(b.getInt(20)).as("ifa_index").isEqualTo(7);
        assertThat(b.getShort(24)).as("rta_len without padding").isEqualTo((short) 8);
        assertThat(b.getShort(26)).as("rta_type").isEqualTo((short) RtNetlink.IFA_LOCAL);
        assertThat(msg[28] & 0xff).as("address in network order").isEqualTo(198);
        assertThat(b.getShort(32)).as("second rta_len").isEqualTo((short) 9);
        assertThat(msg[41]).as("padding").isZero();
    }

    @Test
    void attributeWalkVisitsEachAttributeAndStopsAtATruncatedOne() {
        byte[] msg = new NetlinkMessage(RtNetlink.RTM_NEWADDR, 0)
                .ifaddrmsg(LibC.AF_INET, 24, 0, 7)
                .attribute(1, new byte[] {1, 2, 3})
                .attribute(2, new byte[] {4, 5, 6, 7})
                .bytes();
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.nativeOrder());
        List<String> seen = new ArrayList<>();
        NetlinkMessage.forEachAttribute(b, 24, (type, p) -> seen.add(type + ":" + p.remaining()));
        assertThat(seen).containsExactly("1:3", "2:4");

        seen.clear();
        b.putShort(32, (short) 40); // second attribute claims more than the message holds
        NetlinkMessage.forEachAttribute(b, 24, (type, p) -> seen.add(type + ":" + p.remaining()));
        assertThat(seen).containsExactly("1:3");
    }
}
