package io.weft.sidecar.filter;

import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The response hooks of one exchange. They run innermost first: the filter nearest the upstream sees
 * the response first, and an outer filter sees what the inner ones made of it (Envoy's encoder order).
 * Header hooks run just before the head is sent. Body hooks need the whole body: while any is
 * registered, the route's action buffers bodies up to {@link #bodyLimit()} and every hook runs in
 * {@link #runAll}. A body hook that throws {@link LocalReplyException} replaces the response with a
 * local reply, which the outer hooks then see. Belongs to the exchange's thread; not thread-safe.
 */
final class ResponseHooks {
    private final Exchange exchange;
    private final ServerResponse response;
    private final List<Object> hooks = new ArrayList<>(4);
    private boolean ran;
    private long bodyLimit = -1;
    private boolean bodyRequired;

    private record BodyEntry(long max, boolean required, Exchange.BodyHook hook) {
    }

    ResponseHooks(Exchange exchange, ServerResponse response) {
        this.exchange = exchange;
        this.response = response;
    }

    void add(Exchange.ResponseHook hook) {
        register(hook);
    }

    void add(long max, boolean required, Exchange.BodyHook hook) {
        register(new BodyEntry(max, required, hook));
        bodyLimit = Math.max(bodyLimit, max);
        bodyRequired |= required;
    }

    private void register(Object hook) {
        if (hooks.isEmpty()) {
            response.beforeSend(this::runHeaderHooks);
        }
        hooks.add(hook);
    }

    /** The largest body a body hook accepts; -1 when no body hook is registered. */
    long bodyLimit() {
        return bodyLimit;
    }

    /** Whether some body hook must see the body (a larger one is a 502 rather than streamed untouched). */
    boolean bodyRequired() {
        return bodyRequired;
    }

    /** For a streamed response: header hooks only; body hooks do not run. */
    private void runHeaderHooks() {
        if (ran) {
            return;
        }
        ran = true;
        for (int i = hooks.size() - 1; i >= 0; i--) {
            if (hooks.get(i) instanceof Exchange.ResponseHook h) {
                h.beforeSend(response.status(), response.headers());
            }
        }
    }

    /**
     * For a whole body about to be sent: every hook, innermost first. Returns the body to send; the
     * status and headers on the response may have changed.
     */
    byte[] runAll(byte[] body) {
        if (ran) {
            return body;
        }
        ran = true;
        byte[] out = body;
        for (int i = hooks.size() - 1; i >= 0; i--) {
            try {
                if (hooks.get(i) instanceof Exchange.ResponseHook h) {
                    h.beforeSend(response.status(), response.headers());
                } else if (hooks.get(i) instanceof BodyEntry b) {
                    if (out.length <= b.max()) {
                        out = b.hook().onBody(response.status(), response.headers(), out);
                    } else if (b.required()) {
                        throw new LocalReplyException(502, "upstream response larger than " + b.max() + " bytes");
                    }
                }
            } catch (LocalReplyException e) {
                response.headers().clear();
                out = exchange.render(e);
            }
        }
        return out;
    }
}
