package io.weft.sidecar.filter.guard;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block; matches addresses of the same family. Immutable. */
record Cidr(byte[] network, int bits) {
    /** @throws IllegalArgumentException naming the value when it is not an IP literal or CIDR */
    static Cidr parse(String s) {
        int slash = s.indexOf('/');
        String ip = slash < 0 ? s : s.substring(0, slash);
        if (!ip.matches("[0-9.]+|[0-9a-fA-F:.]+") || !ip.matches(".*[.:].*")) {
            throw new IllegalArgumentException("\"" + s + "\" (expected: an IP literal or CIDR block)");
        }
        byte[] addr;
        try {
            addr = InetAddress.getByName(ip).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + s + "\" (expected: an IP literal or CIDR block)");
        }
        int bits = slash < 0 ? addr.length * 8 : Integer.parseInt(s.substring(slash + 1));
        if (bits < 0 || bits > addr.length * 8) {
            throw new IllegalArgumentException("\"" + s + "\" (expected: a prefix length 0.." + addr.length * 8 + ")");
        }
        return new Cidr(addr, bits);
    }

    boolean contains(byte[] addr) {
        if (addr.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (addr[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (addr[full] & mask) == (network[full] & mask);
    }
}
