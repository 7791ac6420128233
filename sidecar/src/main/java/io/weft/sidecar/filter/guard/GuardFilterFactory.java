package io.weft.sidecar.filter.guard;

import io.weft.sidecar.edge.EdgeFilter;

/** Builds a route's guard filter; address lists are parsed here, once. */
public final class GuardFilterFactory {
    private GuardFilterFactory() {
    }

    /** @throws IllegalArgumentException when an address list entry is not an IP or CIDR */
    public static EdgeFilter create(GuardConfig config) {
        return new GuardFilter(config);
    }

    /** Checks an address list entry; for the xDS parser, so a bad one is refused with the config. */
    public static void checkCidr(String cidr) {
        Cidr.parse(cidr);
    }
}
