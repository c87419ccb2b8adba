package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Byte layouts of the frames we put on the wire, field by field. */
class FramesTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] MAC = HEX.parseHex("0a1b2c3d4e5f");
    private static final byte[] OTHER_MAC = HEX.parseHex("020000000002");

    private static byte[] ip(String text) throws Exception {
        return InetAddress.getByName(text).getAddress();
    }

    @Test
    void gratuitousArpRequestHasTheVipAsSenderAndTargetAndAZeroTargetMac() throws Exception {
        byte[] frame = ArpFrames.announcement(ArpFrames.REQUEST, MAC, ip("198.51.100.10"));
        assertThat(frame).hasSize(60);
        assertThat(HEX.formatHex(frame, 0, 42)).isEqualTo(
                "ffffffffffff" + "0a1b2c3d4e5f" + "0806"      // Ethernet: broadcast, from us, ARP
                + "0001" + "0800" + "06" + "04" + "0001"      // Ethernet/IPv4, request
                + "0a1b2c3d4e5f" + "c633640a"                 // sender: us, 198.51.100.10
                + "000000000000" + "c633640a");               // target: unknown MAC, 198.51.100.10
        assertThat(HEX.formatHex(frame, 42, 60)).isEqualTo("00".repeat(18));
    }

    @Test
    void gratuitousArpReplyNamesOurMacAsTarget() throws Exception {
        byte[] frame = ArpFrames.announcement(ArpFrames.REPLY, MAC, ip("198.51.100.10"));
        assertThat(HEX.formatHex(frame, 20, 42)).isEqualTo(
                "0002" + "0a1b2c3d4e5f" + "c633640a" + "0a1b2c3d4e5f" + "c633640a");
    }

    @Test
    void arpProbeComesFromTheZeroAddress() throws Exception {
        byte[] frame = ArpFrames.probe(MAC, ip("198.51.100.10"));
        assertThat(HEX.formatHex(frame, 20, 42)).isEqualTo(
                "0001" + "0a1b2c3d4e5f" + "00000000" + "000000000000" + "c633640a");
    }

    @Test
    void anArpFrameClaimingTheAddressYieldsItsSenderMac() throws Exception {
        byte[] vip = ip("198.51.100.10");
        byte[] reply = ArpFrames.announcement(ArpFrames.REPLY, OTHER_MAC, vip);
        assertThat(ArpFrames.senderClaiming(ByteBuffer.wrap(reply), 60, vip)).isEqualTo(OTHER_MAC);
        // 198.51.100.100 shares a prefix with .10 but is another address
        assertThat(ArpFrames.senderClaiming(ByteBuffer.wrap(reply), 60, ip("198.51.100.100"))).isNull();
        // a probe claims nothing: its sender address is 0.0.0.0
        assertThat(ArpFrames.senderClaiming(ByteBuffer.wrap(ArpFrames.probe(OTHER_MAC, vip)), 60, vip)).isNull();
        assertThat(ArpFrames.senderClaiming(ByteBuffer.wrap(reply), 41, vip)).as("truncated").isNull();
    }

    @Test
    void unsolicitedAdvertisementLayoutAndChecksum() throws Exception {
        byte[] vip = ip("2001:db8::10");
        byte[] frame = NdpFrames.unsolicitedAdvertisement(MAC, vip);
        assertThat(frame).hasSize(86);
        assertThat(HEX.formatHex(frame, 0, 14)).isEqualTo("333300000001" + "0a1b2c3d4e5f" + "86dd");
        assertThat(HEX.formatHex(frame, 14, 22)).isEqualTo("60000000" + "0020" + "3a" + "ff");
        assertThat(HEX.formatHex(frame, 22, 54)).isEqualTo(
                "20010db8000000000000000000000010" + "ff020000000000000000000000000001");
        assertThat(HEX.formatHex(frame, 54, 56)).isEqualTo("8800");          // type 136, code 0
        assertThat(HEX.formatHex(frame, 58, 62)).isEqualTo("20000000");      // override only
        assertThat(HEX.formatHex(frame, 62, 78)).isEqualTo("20010db8000000000000000000000010");
        assertThat(HEX.formatHex(frame, 78, 86)).isEqualTo("0201" + "0a1b2c3d4e5f");
        assertChecksumVerifies(frame);
        assertThat(NdpFrames.advertiserOf(ByteBuffer.wrap(frame), frame.length, vip)).isEqualTo(MAC);
        assertThat(NdpFrames.advertiserOf(ByteBuffer.wrap(frame), frame.length, ip("2001:db8::11"))).isNull();
    }

    @Test
    void duplicateAddressProbeGoesFromTheUnspecifiedAddressToTheSolicitedNodeGroup() throws Exception {
        byte[] frame = NdpFrames.duplicateAddressProbe(MAC, ip("2001:db8::a:bc:de10"));
        assertThat(frame).hasSize(78);
        assertThat(HEX.formatHex(frame, 0, 6)).isEqualTo("3333ffbcde10");
        assertThat(HEX.formatHex(frame, 22, 54)).isEqualTo(
                "00000000000000000000000000000000" + "ff0200000000000000000001ffbcde10");
        assertThat(frame[54] & 0xff).isEqualTo(135);
        assertChecksumVerifies(frame);
        // a solicitation is not an advertisement
        assertThat(NdpFrames.advertiserOf(ByteBuffer.wrap(frame), frame.length, ip("2001:db8::a:bc:de10")))
                .isNull();
    }

    @Test
    void checksumFoldsCarriesAndIncludesThePseudoHeader() {
        // the words of RFC 1071's example (0001 f203 f4f5 f6f7), with all-zero addresses in the pseudo-header;
        // the pseudo-header still adds the length (8) and the next header (58)
        byte[] zero16 = new byte[16];
        byte[] data = HEX.parseHex("0001f203f4f5f6f7");
        // sum = 0x0001 + 0xf203 + 0xf4f5 + 0xf6f7 + 8 (length) + 58 (next header) = 0x2ddf0 + 0x42 -> fold 0xde34
        assertThat(NdpFrames.checksum(zero16, zero16, data) & 0xffff).isEqualTo(~0xde34 & 0xffff);
    }

    /** Summing pseudo-header and message including the checksum gives 0xffff, i.e. the complement is 0. */
    private static void assertChecksumVerifies(byte[] frame) {
        byte[] src = java.util.Arrays.copyOfRange(frame, 22, 38);
        byte[] dst = java.util.Arrays.copyOfRange(frame, 38, 54);
        byte[] icmp = java.util.Arrays.copyOfRange(frame, 54, frame.length);
        assertThat(NdpFrames.checksum(src, dst, icmp)).isEqualTo((short) 0);
    }
}
