package io.weft.controlplane.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The mesh's security policy: mTLS mode per mesh, namespace and service (the most specific wins),
 * the default authorization action per namespace, and the authorization policies.
 */
public record SecuritySpec(MtlsMode meshMode, Map<String, MtlsMode> namespaceModes, Map<String, MtlsMode> serviceModes,
                           Map<String, AuthzPolicySpec.Action> namespaceDefaults, List<AuthzPolicySpec> policies) {
    public SecuritySpec {
        Objects.requireNonNull(meshMode, "meshMode");
        namespaceModes = Map.copyOf(namespaceModes);
        serviceModes = Map.copyOf(serviceModes);
        namespaceDefaults = Map.copyOf(namespaceDefaults);
        policies = List.copyOf(policies);
    }

    /** PERMISSIVE everywhere, everything allowed: a mesh that declares no security section. */
    public static SecuritySpec defaults() {
        return new SecuritySpec(MtlsMode.PERMISSIVE, Map.of(), Map.of(), Map.of(), List.of());
    }

    public MtlsMode modeOf(ServiceSpec service) {
        MtlsMode m = serviceModes.get(service.name());
        if (m != null) {
            return m;
        }
        return namespaceModes.getOrDefault(service.namespace(), meshMode);
    }

    public AuthzPolicySpec.Action defaultActionOf(ServiceSpec service) {
        return namespaceDefaults.getOrDefault(service.namespace(), AuthzPolicySpec.Action.ALLOW);
    }

    public List<AuthzPolicySpec> policiesFor(ServiceSpec service) {
        return policies.stream().filter(p -> p.protects(service)).toList();
    }
}
