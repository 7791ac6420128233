package io.weft.controlplane.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may use the admin port (API and dashboard). Bound to a loopback address, anyone on this
 * machine may, and only requests addressed to a loopback name are answered (a page elsewhere cannot
 * reach it by DNS rebinding). Bound to any other address, every request must carry the admin token:
 * as {@code Authorization: Bearer <token>} (CLI, scripts) or as the session cookie the dashboard's
 * login sets. Immutable and thread-safe.
 *
 * @param loopbackOnly true when the admin port is bound to a loopback address
 * @param token        the admin token; always present when {@code loopbackOnly} is false
 * @param generated    true when the token was generated at start (so it must be shown to the operator)
 */
public record AdminAccess(boolean loopbackOnly, Optional<String> token, boolean generated) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public AdminAccess {
        Objects.requireNonNull(token, "token");
        if (!loopbackOnly && token.isEmpty()) {
            throw new IllegalArgumentException("token: missing (expected: a token when the admin port is not on loopback)");
        }
        token.ifPresent(t -> {
            if (t.length() < 16) {
                throw new IllegalArgumentException("admin token: " + t.length()
                        + " characters (expected: at least 16)");
            }
        });
    }

    /**
     * The access rule for an admin port bound to {@code host}: a configured token is always
     * required; without one, a loopback binding needs none and any other binding gets a generated one.
     */
    public static AdminAccess forBinding(String host, Optional<String> configuredToken) {
        Objects.requireNonNull(host, "host");
        boolean loopback = isLoopback(host);
        if (configuredToken.isPresent() || loopback) {
            return new AdminAccess(loopback, configuredToken, false);
        }
        return new AdminAccess(false, Optional.of(randomToken()), true);
    }

    /** True when every request must present the token. */
    public boolean tokenRequired() {
        return token.isPresent();
    }

    /** Constant-time check of a presented bearer token. */
    boolean acceptsToken(String presented) {
        return token.map(t -> constantTimeEquals(t, presented)).orElse(false);
    }

    /** The value of the dashboard's session cookie: derived from the token, so the cookie is not the token. */
    String sessionValue() {
        String t = token.orElseThrow(() -> new IllegalStateException("no token: sessions are not used on loopback"));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(t.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] v = mac.doFinal("weft-dashboard-session".getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(v);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The session cookie value for a dashboard login with {@code presented}, if it is the right token. */
    public Optional<String> sessionFor(String presented) {
        return acceptsToken(presented) ? Optional.of(sessionValue()) : Optional.empty();
    }

    boolean acceptsSession(String cookie) {
        return token.isPresent() && constantTimeEquals(sessionValue(), cookie);
    }

    static boolean constantTimeEquals(String expected, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    static String randomToken() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name other than localhost: do not resolve it, treat it as "elsewhere"
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
