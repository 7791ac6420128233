package io.weft.sidecar.telemetry;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Lets OpenTelemetry propagators read Helidon request headers and write upstream request headers. */
final class HeaderAccess {
    /** Header names propagators ask for, made once (a few fixed names: traceparent, b3, baggage, ...). */
    private static final ConcurrentHashMap<String, HeaderName> NAMES = new ConcurrentHashMap<>();

    static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>(carrier.size());
            carrier.forEach(h -> keys.add(h.name()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            if (carrier == null) {
                return null;
            }
            return carrier.first(name(key)).orElse(null);
        }
    };

    static final TextMapSetter<WritableHeaders<?>> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.set(name(key), value);
        }
    };

    private HeaderAccess() {
    }

    static HeaderName name(String key) {
        HeaderName n = NAMES.get(key);
        if (n == null) {
            n = NAMES.size() < 256 ? NAMES.computeIfAbsent(key, HeaderNames::create) : HeaderNames.create(key);
        }
        return n;
    }
}
