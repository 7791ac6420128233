package io.weft.controlplane.admin;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.controlplane.ca.CaState;
import io.weft.controlplane.ca.CertificateAuthority;
import io.weft.controlplane.ca.JoinTokens;
import io.weft.controlplane.ca.PlaintextCallers;
import io.weft.controlplane.ca.RootCa;
import io.weft.controlplane.config.Durations;
import io.weft.controlplane.model.MeshState;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.controlplane.xds.XdsServer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The security team's admin API, under {@code /api/v1}: the CA and its rotation, join tokens, and
 * the mTLS migration report ("what breaks if this goes STRICT now?"). Serve the admin port on
 * loopback or behind the operator's own access control: minting a join token grants an identity.
 */
public final class SecurityApi implements HttpService {
    private final XdsServer xds;
    private final CertificateAuthority ca;
    private final JoinTokens tokens;
    private final PlaintextCallers plaintext;

    public SecurityApi(XdsServer xds, CertificateAuthority ca, JoinTokens tokens, PlaintextCallers plaintext) {
        this.xds = Objects.requireNonNull(xds, "xds");
        this.ca = Objects.requireNonNull(ca, "ca");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.plaintext = Objects.requireNonNull(plaintext, "plaintext");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/security/strict-impact", this::strictImpact)
                .get("/ca", (req, res) -> AdminApi.json(res, Status.OK_200, ca(ca.state())))
                .get("/ca/bundle.pem", (req, res) -> res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/x-pem-file")
                        .send(io.weft.proto.identity.Pem.certificates(ca.trustBundle())))
                .post("/ca/rotation/{step}", this::rotate)
                .post("/ca/join-tokens", this::joinToken);
    }

    private void strictImpact(ServerRequest req, ServerResponse res) {
        Optional<String> service = req.query().first("service").asOptional();
        MeshState state = xds.state();
        if (service.isPresent() && state.config().service(service.get()).isEmpty()) {
            error(res, Status.NOT_FOUND_404, "service \"" + service.get() + "\" (expected: a declared service, one of "
                    + state.config().services().keySet().stream().sorted().toList() + ")");
            return;
        }
        Map<String, String> modes = new LinkedHashMap<>();
        for (ServiceSpec s : state.config().services().values().stream()
                .sorted(java.util.Comparator.comparing(ServiceSpec::name)).toList()) {
            if (service.isEmpty() || service.get().equals(s.name())) {
                modes.put(s.name(), state.config().mtlsFor(s).name());
            }
        }
        List<PlaintextCallers.Caller> callers = plaintext.wouldBreak(service, state);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("scope", service.orElse("(mesh)"));
        body.put("window", plaintext.window().toString());
        body.put("currentModes", modes);
        body.put("safe", callers.isEmpty());
        body.put("wouldBreak", callers);
        AdminApi.json(res, Status.OK_200, body);
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        String step = req.path().pathParameters().get("step");
        try {
            CaState s = switch (step) {
                case "prepare" -> ca.prepareRotation();
                case "activate" -> ca.activateRotation();
                case "retire" -> ca.retirePrevious();
                default -> {
                    error(res, Status.NOT_FOUND_404, "rotation step \"" + step + "\" (expected: prepare, activate or retire)");
                    yield null;
                }
            };
            if (s != null) {
                AdminApi.json(res, Status.OK_200, ca(s));
            }
        } catch (IllegalStateException e) {
            error(res, Status.CONFLICT_409, e.getMessage());
        }
    }

    private void joinToken(ServerRequest req, ServerResponse res) {
        Map<String, Object> in;
        try {
            in = Json.MAPPER.readValue(req.content().as(String.class),
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            error(res, Status.BAD_REQUEST_400, "body: not a JSON object (expected: {\"namespace\", \"service\", \"ttl\"})");
            return;
        }
        String ns = String.valueOf(in.getOrDefault("namespace", "default"));
        Object svc = in.get("service");
        Optional<Duration> ttl = Durations.parse(String.valueOf(in.getOrDefault("ttl", "1h")));
        if (!(svc instanceof String service) || ttl.isEmpty() || ttl.get().isZero() || ttl.get().compareTo(Duration.ofDays(1)) > 0) {
            error(res, Status.BAD_REQUEST_400, "service: " + svc + ", ttl: " + in.get("ttl")
                    + " (expected: a service name and a ttl up to 24h such as \"1h\")");
            return;
        }
        try {
            AdminApi.json(res, Status.OK_200, Map.of("namespace", ns, "service", service, "token", tokens.mint(ns, service, ttl.get())));
        } catch (IllegalArgumentException e) {
            error(res, Status.BAD_REQUEST_400, e.getMessage());
        }
    }

    private Map<String, Object> ca(CaState s) {
        List<Map<String, Object>> roots = new ArrayList<>();
        roots.add(root("active", s.active()));
        s.next().ifPresent(n -> roots.add(root("next", n)));
        s.previous().forEach(p -> roots.add(root("previous", p)));
        return Map.of("trustDomain", ca.trustDomain(), "phase", s.phase(), "roots", roots);
    }

    private static Map<String, Object> root(String role, RootCa r) {
        String fp;
        try {
            fp = HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(r.certificate().getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            fp = "?";
        }
        return Map.of("role", role, "subject", r.certificate().getSubjectX500Principal().getName(),
                "notAfter", r.notAfter().toString(), "sha256", fp);
    }

    private static void error(ServerResponse res, Status status, String message) {
        res.status(status).header(io.helidon.http.HeaderNames.CONTENT_TYPE, "application/json")
                .send(Json.write(Map.of("error", message)));
    }
}
