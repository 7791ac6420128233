package io.weft.sidecar.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Small conversions shared by the resource parsers; every failure names where it happened. */
final class Protos {
    private Protos() {
    }

    static <T extends Message> T unpack(Any any, Class<T> type, String where) throws InvalidResourceException {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidResourceException(where + ": type " + any.getTypeUrl() + " (expected: " + type.getSimpleName()
                    + "; " + e.getMessage() + ")");
        }
    }

    static Duration duration(com.google.protobuf.Duration d) {
        return Duration.ofSeconds(d.getSeconds(), d.getNanos());
    }

    /** A positive duration, or the default when unset. */
    static Duration positive(boolean set, com.google.protobuf.Duration d, Duration dflt, String where)
            throws InvalidResourceException {
        if (!set) {
            return dflt;
        }
        Duration v = duration(d);
        if (v.isNegative() || v.isZero()) {
            throw new InvalidResourceException(where + ": " + v + " (expected: > 0)");
        }
        return v;
    }

    static String regex(String re, String where) throws InvalidResourceException {
        try {
            Pattern.compile(re);
            return re;
        } catch (PatternSyntaxException e) {
            throw new InvalidResourceException(where + ": \"" + re + "\" (expected: a valid regex: " + e.getDescription() + ")");
        }
    }

    /** A fractional percent as parts per million. */
    static int perMillion(FractionalPercent p, String where) throws InvalidResourceException {
        long scale = switch (p.getDenominator()) {
            case HUNDRED -> 10_000;
            case TEN_THOUSAND -> 100;
            case MILLION -> 1;
            default -> throw new InvalidResourceException(where + ".denominator: " + p.getDenominator()
                    + " (expected: HUNDRED, TEN_THOUSAND or MILLION)");
        };
        return (int) Math.min(1_000_000, p.getNumerator() * scale);
    }
}
