package io.weft.sidecar.filter;

/**
 * The parsed, validated configuration of one filter: a protobuf-free record made by
 * {@link HttpFilterFactory#parse} from the filter's {@code typed_config}. Immutable.
 */
public interface FilterConfig {
}
