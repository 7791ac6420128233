package io.weft.controlplane.translate;

import io.weft.controlplane.model.MeshConfig;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.proto.MeshNames;
import java.util.Optional;

/** A cluster name read back: a declared service, and optionally one of its declared versions. */
record ClusterName(ServiceSpec service, Optional<String> version) {
    /** Empty when the service or the version is not declared. */
    static Optional<ClusterName> parse(String name, MeshConfig config) {
        int sep = name.indexOf(MeshNames.SUBSET_SEPARATOR);
        if (sep < 0) {
            return config.service(name).map(s -> new ClusterName(s, Optional.empty()));
        }
        String version = name.substring(sep + 1);
        return config.service(name.substring(0, sep))
                .filter(s -> s.versions().contains(version))
                .map(s -> new ClusterName(s, Optional.of(version)));
    }
}
