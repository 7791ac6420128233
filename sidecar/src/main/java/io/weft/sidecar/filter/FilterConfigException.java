package io.weft.sidecar.filter;

/**
 * A filter's typed config that Weft cannot honour. The message names the field, the value and the
 * expectation ({@code "abort.http_status: 99 (expected: 200 to 599)"}); the xDS client prefixes the
 * resource and filter name and NACKs.
 */
public final class FilterConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public FilterConfigException(String message) {
        super(message);
    }
}
