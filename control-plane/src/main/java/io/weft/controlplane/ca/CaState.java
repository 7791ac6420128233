package io.weft.controlplane.ca;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The roots of the CA at one moment of a rotation: the {@code active} root signs; a {@code next}
 * root is already trusted everywhere but signs nothing yet; {@code previous} roots no longer sign
 * but stay trusted until every certificate they issued has expired.
 */
public record CaState(RootCa active, Optional<RootCa> next, List<RootCa> previous) {
    public CaState {
        Objects.requireNonNull(active, "active");
        Objects.requireNonNull(next, "next");
        previous = List.copyOf(previous);
    }

    public static CaState of(RootCa active) {
        return new CaState(active, Optional.empty(), List.of());
    }

    /** Every root a workload must trust now, the signing one first. */
    public List<X509Certificate> trustBundle() {
        List<X509Certificate> out = new ArrayList<>();
        out.add(active.certificate());
        next.ifPresent(n -> out.add(n.certificate()));
        previous.forEach(p -> out.add(p.certificate()));
        return List.copyOf(out);
    }

    /** The rotation phase, for the admin API. */
    public String phase() {
        if (next.isPresent()) {
            return "prepared";
        }
        return previous.isEmpty() ? "steady" : "overlap";
    }
}
