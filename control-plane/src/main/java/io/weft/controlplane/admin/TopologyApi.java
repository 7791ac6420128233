package io.weft.controlplane.admin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.weft.controlplane.model.MeshState;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code GET /api/v1/topology}: the {@link Topology} of the mesh state in force, with its version. */
public final class TopologyApi implements HttpService {
    private final Supplier<MeshState> state;

    public TopologyApi(Supplier<MeshState> state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/topology", this::topology);
    }

    private void topology(ServerRequest req, ServerResponse res) {
        MeshState s = state.get();
        Topology t = Topology.of(s.config());
        res.header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(Json.write(Map.of("version", s.version(), "nodes", t.nodes(), "edges", t.edges())));
    }
}
