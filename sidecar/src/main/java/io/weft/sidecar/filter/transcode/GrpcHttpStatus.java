package io.weft.sidecar.filter.transcode;

/**
 * The HTTP status for a gRPC status code, as Google's HTTP/gRPC mapping (google.rpc.Code) and
 * grpc-gateway use it. Stateless.
 */
final class GrpcHttpStatus {
    private static final String[] NAMES = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
        "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    private static final int[] HTTP = {200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401};

    private GrpcHttpStatus() {
    }

    static int http(int grpcCode) {
        return grpcCode >= 0 && grpcCode < HTTP.length ? HTTP[grpcCode] : 500;
    }

    static String name(int grpcCode) {
        return grpcCode >= 0 && grpcCode < NAMES.length ? NAMES[grpcCode] : "code " + grpcCode;
    }
}
