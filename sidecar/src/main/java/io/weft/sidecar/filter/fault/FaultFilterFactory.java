package io.weft.sidecar.filter.fault;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads Envoy's standard {@code envoy.extensions.filters.http.fault.v3.HTTPFault}: fixed delays and
 * HTTP or gRPC aborts with a percentage, and {@code max_active_faults}. Header-controlled faults,
 * node/cluster/header restrictions and response rate limits are refused rather than ignored.
 */
public final class FaultFilterFactory implements HttpFilterFactory<FaultConfig> {
    public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<FaultConfig> configType() {
        return FaultConfig.class;
    }

    @Override
    public FaultConfig parse(Any typedConfig) throws FilterConfigException {
        HTTPFault f;
        try {
            f = typedConfig.unpack(HTTPFault.class);
        } catch (InvalidProtocolBufferException e) {
            throw new FilterConfigException("typed_config: " + e.getMessage() + " (expected: a valid HTTPFault)");
        }
        if (f.getHeadersCount() > 0 || f.getDownstreamNodesCount() > 0 || !f.getUpstreamCluster().isEmpty()
                || f.hasResponseRateLimit()) {
            throw new FilterConfigException("headers/downstream_nodes/upstream_cluster/response_rate_limit: set "
                    + "(expected: unset; Weft injects delays and aborts on every request of the route)");
        }
        Optional<FaultConfig.Delay> delay = Optional.empty();
        if (f.hasDelay()) {
            FaultDelay d = f.getDelay();
            if (!d.hasFixedDelay()) {
                throw new FilterConfigException("delay: " + d.getFaultDelaySecifierCase() + " (expected: fixed_delay)");
            }
            Duration fixed = Duration.ofSeconds(d.getFixedDelay().getSeconds(), d.getFixedDelay().getNanos());
            if (fixed.isNegative()) {
                throw new FilterConfigException("delay.fixed_delay: " + fixed + " (expected: >= 0)");
            }
            delay = Optional.of(new FaultConfig.Delay(fixed, perMillion(d.getPercentage(), "delay.percentage")));
        }
        Optional<FaultConfig.Abort> abort = Optional.empty();
        if (f.hasAbort()) {
            FaultAbort a = f.getAbort();
            int pm = perMillion(a.getPercentage(), "abort.percentage");
            abort = Optional.of(switch (a.getErrorTypeCase()) {
                case HTTP_STATUS -> {
                    if (a.getHttpStatus() < 200 || a.getHttpStatus() > 599) {
                        throw new FilterConfigException("abort.http_status: " + a.getHttpStatus() + " (expected: 200 to 599)");
                    }
                    yield new FaultConfig.Abort(a.getHttpStatus(), -1, pm);
                }
                case GRPC_STATUS -> {
                    if (a.getGrpcStatus() > 16) {
                        throw new FilterConfigException("abort.grpc_status: " + a.getGrpcStatus() + " (expected: 0 to 16)");
                    }
                    yield new FaultConfig.Abort(0, a.getGrpcStatus(), pm);
                }
                default -> throw new FilterConfigException("abort: " + a.getErrorTypeCase()
                        + " (expected: http_status or grpc_status)");
            });
        }
        OptionalInt max = f.hasMaxActiveFaults() ? OptionalInt.of(f.getMaxActiveFaults().getValue()) : OptionalInt.empty();
        return new FaultConfig(delay, abort, max);
    }

    @Override
    public HttpFilter create(FaultConfig config, FilterContext context) {
        return new FaultFilter(config);
    }

    private static int perMillion(FractionalPercent p, String field) throws FilterConfigException {
        long n = p.getNumerator();
        long scale = switch (p.getDenominator()) {
            case HUNDRED -> 10_000;
            case TEN_THOUSAND -> 100;
            case MILLION -> 1;
            default -> throw new FilterConfigException(field + ".denominator: " + p.getDenominator()
                    + " (expected: HUNDRED, TEN_THOUSAND or MILLION)");
        };
        return (int) Math.min(1_000_000, n * scale);
    }
}
