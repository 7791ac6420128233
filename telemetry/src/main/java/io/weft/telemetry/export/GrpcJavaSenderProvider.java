package io.weft.telemetry.export;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/**
 * Lets the OpenTelemetry OTLP gRPC exporters send over grpc-java (already on Weft's classpath for
 * xDS) instead of OkHttp. Found by {@link java.util.ServiceLoader}; not meant to be called directly.
 */
public final class GrpcJavaSenderProvider implements GrpcSenderProvider {
    @Override
    public GrpcSender createSender(GrpcSenderConfig config) {
        return GrpcJavaSender.create(config);
    }
}
