package io.weft.sidecar.filter.aggregate;

import com.google.protobuf.Any;
import io.weft.proto.AggregatePlaceholders;
import io.weft.proto.MeshNames;
import io.weft.proto.v1.AggregateCall;
import io.weft.proto.v1.EdgeAggregate;
import io.weft.sidecar.filter.FilterConfigException;
import io.weft.sidecar.filter.FilterContext;
import io.weft.sidecar.filter.HttpFilter;
import io.weft.sidecar.filter.HttpFilterFactory;
import io.weft.sidecar.filter.TypedConfigs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code weft.v1.EdgeAggregate} (filter {@code weft.edge.aggregate}) and makes the aggregation
 * filter. Templates are parsed and their references checked here, once: a call may only read from a
 * call declared before it, so the calls form no cycle.
 */
public final class AggregateFilterFactory implements HttpFilterFactory<AggregateConfig> {
    public static final String TYPE_URL = MeshNames.TYPE_PREFIX + EdgeAggregate.getDescriptor().getFullName();
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    @Override
    public String typeUrl() {
        return TYPE_URL;
    }

    @Override
    public Class<AggregateConfig> configType() {
        return AggregateConfig.class;
    }

    @Override
    public AggregateConfig parse(Any typedConfig) throws FilterConfigException {
        EdgeAggregate a = TypedConfigs.unpack(typedConfig, EdgeAggregate.class);
        List<AggregateConfig.Call> calls = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < a.getCallsCount(); i++) {
            AggregateCall c = a.getCalls(i);
            String at = "calls[" + i + "]";
            if (!AggregatePlaceholders.validCallName(c.getName())) {
                throw new FilterConfigException(at + ".name: \"" + c.getName() + "\" (expected: letters, digits, '_' "
                        + "and '-', not query, header or errors)");
            }
            if (index.containsKey(c.getName())) {
                throw new FilterConfigException(at + ".name: \"" + c.getName() + "\" used twice (expected: unique call names)");
            }
            if (c.getCluster().isEmpty()) {
                throw new FilterConfigException(at + ".cluster: empty (expected: the cluster to call)");
            }
            String method = c.getMethod().isEmpty() ? "GET" : c.getMethod();
            if (!METHODS.contains(method)) {
                throw new FilterConfigException(at + ".method: \"" + method + "\" (expected: one of " + METHODS + ")");
            }
            if (!c.getPath().startsWith("/")) {
                throw new FilterConfigException(at + ".path: \"" + c.getPath() + "\" (expected: a path starting with /)");
            }
            Template path = Template.parse(c.getPath());
            Optional<Template> body = c.getBody().isEmpty() ? Optional.empty() : Optional.of(Template.parse(c.getBody()));
            List<Integer> deps = new ArrayList<>();
            for (Template t : body.isPresent() ? List.of(path, body.get()) : List.of(path)) {
                for (String ref : t.calls()) {
                    Integer d = index.get(ref);
                    if (d == null) {
                        throw new FilterConfigException(at + ": \"" + t.source() + "\" reads from \"" + ref
                                + "\" (expected: query, header or a call declared before this one, one of " + index.keySet() + ")");
                    }
                    if (!deps.contains(d)) {
                        deps.add(d);
                    }
                }
            }
            Duration timeout = TypedConfigs.duration(c.getTimeout(), Duration.ofSeconds(5));
            String authority = c.getAuthority().isEmpty() ? MeshNames.serviceOf(c.getCluster()) : c.getAuthority();
            calls.add(new AggregateConfig.Call(c.getName(), c.getCluster(), method, path, body, timeout, authority, deps));
            index.put(c.getName(), i);
        }
        return new AggregateConfig(calls, a.getOnFailure() == EdgeAggregate.OnFailure.PARTIAL,
                a.getMaxBodyBytes() == 0 ? 1 << 20 : a.getMaxBodyBytes());
    }

    /** A route's aggregation must make at least one call (the listener's disabled placeholder makes none). */
    @Override
    public AggregateConfig parsePerRoute(Any typedConfig) throws FilterConfigException {
        AggregateConfig c = parse(typedConfig);
        if (c.calls().isEmpty()) {
            throw new FilterConfigException("calls: empty (expected: at least one call)");
        }
        return c;
    }


    @Override
    public HttpFilter create(AggregateConfig config, FilterContext context) {
        return config.calls().isEmpty() ? (ex, chain) -> chain.proceed() : new AggregateFilter(config);
    }
}
