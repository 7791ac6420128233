package io.weft.controlplane.config;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import io.weft.controlplane.model.RouteSpec;
import io.weft.controlplane.model.ServiceSpec;
import io.weft.proto.DescriptorPool;
import io.weft.proto.v1.EdgeTranscode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an edge route's {@code transcode} section (HTTP/JSON → one unary gRPC method) against the
 * descriptors the control plane knows: those compiled from {@code proto/} and any
 * {@code edge.descriptorSets} files. It checks that the method exists and is unary, that each path
 * variable is a singular scalar field of the request, and that the route goes to one gRPC service;
 * the typed config carries the method's descriptor files, so the edge needs no generated classes.
 * Not thread-safe (one per load).
 */
final class EdgeTranscodeReader {
    private static final Set<String> KEYS = Set.of("method", "path");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]*)}");

    private final List<FileDescriptorSet> extra = new ArrayList<>();
    private DescriptorPool pool;

    /** Reads {@code edge.descriptorSets}: files written by {@code protoc --include_imports --descriptor_set_out}. */
    void readDescriptorSets(YamlNode sets) {
        for (YamlNode f : sets.list()) {
            try {
                extra.add(DescriptorPool.parse(Files.readAllBytes(Path.of(f.requiredString()))));
            } catch (IOException e) {
                throw f.error("a readable FileDescriptorSet file (" + e.getMessage() + ")");
            }
            pool = null;
        }
    }

    EdgeTranscode transcode(YamlNode t, RouteSpec route, Map<String, ServiceSpec> services) {
        t.allowKeys(KEYS);
        String name = t.get("method").requiredString();
        Descriptors.MethodDescriptor m = pool(t).method(name).orElseThrow(() -> t.get("method")
                .error("a gRPC method as package.Service/Method, declared in proto/ or edge.descriptorSets"));
        if (m.isClientStreaming() || m.isServerStreaming()) {
            throw t.get("method").error("a streaming method", "a unary method");
        }
        String path = t.get("path").optString().orElse("");
        if (!path.isEmpty()) {
            RouteReader.path(t.get("path"));
            Matcher v = VARIABLE.matcher(path);
            while (v.find()) {
                Descriptors.FieldDescriptor f = m.getInputType().findFieldByName(v.group(1));
                if (f == null || f.isRepeated() || f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE) {
                    throw t.get("path").error("{" + v.group(1) + "}", "a singular scalar field of "
                            + m.getInputType().getFullName() + ", one of " + m.getInputType().getFields().stream()
                            .filter(x -> !x.isRepeated() && x.getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE)
                            .map(Descriptors.FieldDescriptor::getName).toList());
                }
            }
        }
        if (route.targets().size() != 1) {
            throw t.error("a transcoding route with " + route.targets().size() + " targets", "one \"to\" (a gRPC service)");
        }
        ServiceSpec svc = services.get(route.targets().get(0).service());
        if (svc == null || svc.protocol() == ServiceSpec.Protocol.HTTP) {
            throw t.error("transcoding to " + route.targets().get(0).service(),
                    "a route \"to\" a service declared with protocol: grpc");
        }
        return EdgeTranscode.newBuilder().setMethod(name).setCluster(route.targets().get(0).cluster()).setPathTemplate(path)
                .setDescriptors(DescriptorPool.closure(m))
                .setTimeout(EdgeFiltersReader.proto(route.timeout().orElse(Duration.ofSeconds(5))))
                .setAuthority(svc.name()).build();
    }

    private DescriptorPool pool(YamlNode at) {
        if (pool == null) {
            List<FileDescriptorSet> sets = new ArrayList<>();
            sets.add(DescriptorPool.builtInSet());
            sets.addAll(extra);
            try {
                pool = DescriptorPool.of(sets);
            } catch (IllegalArgumentException e) {
                throw at.error("descriptors that build (" + e.getMessage() + ")");
            }
        }
        return pool;
    }
}
