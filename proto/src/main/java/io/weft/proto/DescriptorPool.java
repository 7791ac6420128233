package io.weft.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Protobuf descriptors built from {@code FileDescriptorSet}s: the one compiled from {@code proto/}
 * into this module ({@link #builtIn()}), operator-provided ones, or the set a transcoding config
 * carries. Finds gRPC methods by their full name and gives the set of files one method needs.
 * Immutable and thread-safe.
 */
public final class DescriptorPool {
    private static final String BUILT_IN = "weft-descriptors.pb";

    private final Map<String, Descriptors.FileDescriptor> files;

    private DescriptorPool(Map<String, Descriptors.FileDescriptor> files) {
        this.files = files;
    }

    /** Every message and service under {@code proto/}. */
    public static DescriptorPool builtIn() {
        return of(List.of(builtInSet()));
    }

    /** The descriptor set compiled from {@code proto/}, with its imports. */
    public static FileDescriptorSet builtInSet() {
        try (InputStream in = DescriptorPool.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " missing from the classpath (built by the proto module)");
            }
            return FileDescriptorSet.parseFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + BUILT_IN, e);
        }
    }

    /** Reads a serialized {@code FileDescriptorSet} (as {@code protoc --descriptor_set_out} writes). */
    public static FileDescriptorSet parse(byte[] bytes) throws InvalidProtocolBufferException {
        return FileDescriptorSet.parseFrom(bytes);
    }

    /**
     * Builds the files of several sets (a file in more than one set is taken once).
     *
     * @throws IllegalArgumentException naming the file when one is invalid or imports a file no set has
     */
    public static DescriptorPool of(List<FileDescriptorSet> sets) {
        Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
        for (FileDescriptorSet s : sets) {
            for (FileDescriptorProto f : s.getFileList()) {
                protos.putIfAbsent(f.getName(), f);
            }
        }
        Map<String, Descriptors.FileDescriptor> built = new HashMap<>();
        for (String name : protos.keySet()) {
            build(name, protos, built, new ArrayList<>());
        }
        return new DescriptorPool(Map.copyOf(built));
    }

    private static Descriptors.FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
                                                    Map<String, Descriptors.FileDescriptor> built, List<String> path) {
        Descriptors.FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto p = protos.get(name);
        if (p == null) {
            throw new IllegalArgumentException("descriptor file " + name + " imported by " + path.getLast()
                    + " is in no descriptor set (expected: sets built with their imports)");
        }
        if (path.contains(name)) {
            throw new IllegalArgumentException("descriptor file " + name + " imports itself through " + path);
        }
        path.add(name);
        List<Descriptors.FileDescriptor> deps = new ArrayList<>();
        for (String dep : p.getDependencyList()) {
            deps.add(build(dep, protos, built, path));
        }
        path.removeLast();
        try {
            Descriptors.FileDescriptor f = Descriptors.FileDescriptor.buildFrom(p, deps.toArray(Descriptors.FileDescriptor[]::new));
            built.put(name, f);
            return f;
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalArgumentException("descriptor file " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * A method by its full name, {@code package.Service/Method}.
     */
    public Optional<Descriptors.MethodDescriptor> method(String fullName) {
        int slash = fullName.lastIndexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String service = fullName.substring(0, slash);
        String method = fullName.substring(slash + 1);
        for (Descriptors.FileDescriptor f : files.values()) {
            Descriptors.ServiceDescriptor s = f.findServiceByName(service.substring(service.lastIndexOf('.') + 1));
            if (s != null && s.getFullName().equals(service)) {
                return Optional.ofNullable(s.findMethodByName(method));
            }
        }
        return Optional.empty();
    }

    /** The method's file and every file it imports, transitively, as a set another pool can be built from. */
    public static FileDescriptorSet closure(Descriptors.MethodDescriptor method) {
        Map<String, FileDescriptorProto> out = new LinkedHashMap<>();
        collect(method.getFile(), out);
        return FileDescriptorSet.newBuilder().addAllFile(out.values()).build();
    }

    private static void collect(Descriptors.FileDescriptor f, Map<String, FileDescriptorProto> out) {
        if (out.containsKey(f.getName())) {
            return;
        }
        for (Descriptors.FileDescriptor d : f.getDependencies()) {
            collect(d, out);
        }
        out.put(f.getName(), f.toProto());
    }
}
