package io.weft.proto.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A workload identity of the mesh: {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service>}. The
 * control plane's CA writes it as the only URI SAN of every workload certificate; sidecars read it
 * back from a verified peer certificate. Both sides compile against this record, so the format
 * cannot drift.
 */
public record SpiffeId(String trustDomain, String namespace, String service) {
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,253}[a-z0-9])?");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]{1,253}");

    public SpiffeId {
        check("trust domain", trustDomain, DOMAIN);
        check("namespace", namespace, SEGMENT);
        check("service", service, SEGMENT);
    }

    public static SpiffeId of(String trustDomain, String namespace, String service) {
        return new SpiffeId(trustDomain, namespace, service);
    }

    /**
     * Parses {@code spiffe://td/ns/NS/sa/SVC}.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static SpiffeId parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        Optional<SpiffeId> id = tryParse(uri);
        return id.orElseThrow(() -> new IllegalArgumentException("SPIFFE id \"" + uri
                + "\" (expected: spiffe://<trust-domain>/ns/<namespace>/sa/<service>)"));
    }

    /** Parses a SPIFFE id, or empty when {@code uri} is not one of this mesh's form. */
    public static Optional<SpiffeId> tryParse(String uri) {
        if (uri == null || !uri.startsWith("spiffe://")) {
            return Optional.empty();
        }
        try {
            URI u = new URI(uri);
            String host = u.getHost();
            String[] parts = u.getRawPath() == null ? new String[0] : u.getRawPath().split("/", -1);
            if (host == null || u.getQuery() != null || u.getFragment() != null || u.getPort() != -1
                    || u.getUserInfo() != null || parts.length != 5 || !parts[0].isEmpty()
                    || !parts[1].equals("ns") || !parts[3].equals("sa")) {
                return Optional.empty();
            }
            return Optional.of(new SpiffeId(host, parts[2], parts[4]));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The control plane's own identity: what sidecars expect on the secure xDS / CA port. */
    public static SpiffeId controlPlane(String trustDomain) {
        return new SpiffeId(trustDomain, "weft-system", "control-plane");
    }

    /** The trust domain's own id, {@code spiffe://td}, written as the URI SAN of a root. */
    public static String trustDomainUri(String trustDomain) {
        return "spiffe://" + trustDomain;
    }

    public String uri() {
        return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + service;
    }

    @Override
    public String toString() {
        return uri();
    }

    private static void check(String what, String value, Pattern pattern) {
        Objects.requireNonNull(value, what);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("SPIFFE id " + what + " \"" + value + "\" (expected: "
                    + (pattern == DOMAIN ? "lower-case letters, digits, '.' and '-'" : "letters, digits, '.', '_' and '-'")
                    + ")");
        }
    }
}
