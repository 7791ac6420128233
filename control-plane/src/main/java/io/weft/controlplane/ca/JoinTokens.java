package io.weft.controlplane.ca;

import io.weft.proto.identity.SpiffeId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Join tokens: how a workload proves who it is before it has a certificate. A token names one
 * identity and an expiry and is authenticated with HMAC-SHA256 under a key only the control plane
 * (and whoever it trusts to mint tokens, such as the demo launcher) holds:
 * {@code weft1.<base64url(namespace/service/expiry-epoch-seconds/nonce)>.<base64url(mac)>}.
 * A token may be presented more than once until it expires, so a restarted sidecar can rejoin.
 * Thread-safe.
 */
public final class JoinTokens {
    private static final String PREFIX = "weft1.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final byte[] key;
    private final String trustDomain;
    private final Clock clock;

    private JoinTokens(byte[] key, String trustDomain, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("join-token key: " + key.length + " bytes (expected: at least 32)");
        }
        this.key = key.clone();
        this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static JoinTokens withKey(byte[] key, String trustDomain, Clock clock) {
        return new JoinTokens(key, trustDomain, clock);
    }

    /** A fresh random key, kept in memory. */
    public static JoinTokens random(String trustDomain, Clock clock) {
        byte[] k = new byte[32];
        RootCa.RANDOM.nextBytes(k);
        return new JoinTokens(k, trustDomain, clock);
    }

    /** The key in {@code file} (hex), created with a random key when missing. */
    public static JoinTokens fromFile(Path file, String trustDomain, Clock clock) {
        try {
            if (!Files.exists(file)) {
                byte[] k = new byte[32];
                RootCa.RANDOM.nextBytes(k);
                Files.createDirectories(file.toAbsolutePath().getParent());
                CaStore.atomic(file, HexFormat.of().formatHex(k) + "\n", true);
            }
            return new JoinTokens(HexFormat.of().parseHex(Files.readString(file).strip()), trustDomain, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("join-token key " + file + ": cannot read or create (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("join-token key " + file + ": " + e.getMessage() + " (expected: hex)", e);
        }
    }

    /** A token for {@code namespace/service} valid for {@code ttl}. */
    public String mint(String namespace, String service, Duration ttl) {
        SpiffeId id = SpiffeId.of(trustDomain, namespace, service); // validates the names
        byte[] nonce = new byte[9];
        RootCa.RANDOM.nextBytes(nonce);
        String payload = id.namespace() + "/" + id.service() + "/" + clock.instant().plus(ttl).getEpochSecond() + "/"
                + B64.encodeToString(nonce);
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        return PREFIX + B64.encodeToString(p) + "." + B64.encodeToString(mac(p));
    }

    /**
     * The identity a token vouches for.
     *
     * @throws CaException (UNAUTHENTICATED) when it is malformed, forged or expired
     */
    public SpiffeId verify(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 512) {
            throw bad("not a Weft join token (expected: weft1.<payload>.<mac>)");
        }
        String[] parts = token.substring(PREFIX.length()).split("\\.", -1);
        if (parts.length != 2) {
            throw bad("not a Weft join token (expected: weft1.<payload>.<mac>)");
        }
        byte[] payload;
        byte[] mac;
        try {
            payload = Base64.getUrlDecoder().decode(parts[0]);
            mac = Base64.getUrlDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw bad("not base64url");
        }
        if (!MessageDigest.isEqual(mac, mac(payload))) {
            throw bad("signature does not verify (forged, or minted with another key)");
        }
        String[] f = new String(payload, StandardCharsets.UTF_8).split("/", -1);
        if (f.length != 4) {
            throw bad("payload malformed");
        }
        Instant expiry;
        try {
            expiry = Instant.ofEpochSecond(Long.parseLong(f[2]));
        } catch (NumberFormatException e) {
            throw bad("expiry malformed");
        }
        if (!clock.instant().isBefore(expiry)) {
            throw bad("expired at " + expiry + " for " + f[0] + "/" + f[1]);
        }
        return SpiffeId.of(trustDomain, f[0], f[1]);
    }

    /** Verifies a token, returning empty instead of throwing. */
    public Optional<SpiffeId> tryVerify(String token) {
        try {
            return Optional.of(verify(token));
        } catch (CaException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] payload) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static CaException bad(String why) {
        return new CaException(CaException.Reason.UNAUTHENTICATED, "join token: " + why);
    }
}
