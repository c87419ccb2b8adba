package org.vip4j.net.linux;

/** Formatting of hardware addresses the way {@code ip link} prints them. */
final class Macs {

    private Macs() {
    }

    /** {@code 0a:1b:2c:3d:4e:5f}. */
    static String format(byte[] mac) {
        StringBuilder sb = new StringBuilder(mac.length * 3);
        for (int i = 0; i < mac.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((mac[i] >> 4) & 0xf, 16)).append(Character.forDigit(mac[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
