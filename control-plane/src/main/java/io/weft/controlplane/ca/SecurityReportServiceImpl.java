package io.weft.controlplane.ca;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.proto.v1.PlaintextCaller;
import io.weft.proto.v1.PlaintextReport;
import io.weft.proto.v1.PlaintextReportAck;
import io.weft.proto.v1.SecurityReportServiceGrpc;
import java.time.Instant;

/** Receives plaintext-caller reports from sidecars; the reporter is the identity of its certificate. */
final class SecurityReportServiceImpl extends SecurityReportServiceGrpc.SecurityReportServiceImplBase {
    private static final int MAX_CALLERS = 1000;
    private final PlaintextCallers callers;

    private SecurityReportServiceImpl(PlaintextCallers callers) {
        this.callers = callers;
    }

    static ServerServiceDefinition definition(PlaintextCallers callers) {
        return ServerInterceptors.intercept(new SecurityReportServiceImpl(callers), PeerIdentity.required("security report"),
                PeerIdentity.interceptor());
    }

    @Override
    public void reportPlaintext(PlaintextReport report, StreamObserver<PlaintextReportAck> out) {
        var reporter = PeerIdentity.current().orElseThrow();
        if (report.getCallersCount() > MAX_CALLERS) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("callers: " + report.getCallersCount()
                    + " (expected: at most " + MAX_CALLERS + " per report)").asRuntimeException());
            return;
        }
        for (PlaintextCaller c : report.getCallersList()) {
            callers.report(reporter, c.getSourceAddress(), Math.max(1, c.getConnections()),
                    Instant.ofEpochSecond(c.getLastSeenEpochSeconds()));
        }
        out.onNext(PlaintextReportAck.getDefaultInstance());
        out.onCompleted();
    }
}
