package io.weft.controlplane.config;

/**
 * A mesh configuration that cannot be accepted. The message always names the file, the field path
 * and what was expected, e.g. {@code mesh.yaml: virtualHosts[0].routes[2].timeout: "-5s" (expected: a
 * positive duration)}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
