package io.weft.telemetry.metrics;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes OpenTelemetry metric data in the Prometheus text format 0.0.4 or in OpenMetrics 1.0, with
 * the OpenTelemetry → Prometheus name mapping: dots become underscores, the unit is appended
 * ({@code s} → {@code _seconds}, {@code By} → {@code _bytes}; annotations in braces are dropped) and
 * monotonic sums end in {@code _total}. Stateless and thread-safe.
 */
public final class PrometheusText {
    public static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** The two formats. */
    public enum Format { TEXT, OPENMETRICS }

    private PrometheusText() {
    }

    /** OpenMetrics when the scraper's {@code Accept} header asks for it, plain text otherwise. */
    public static Format negotiate(String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? Format.OPENMETRICS : Format.TEXT;
    }

    public static String contentType(Format f) {
        return f == Format.OPENMETRICS ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
    }

    public static String write(Collection<MetricData> metrics, Format format) {
        StringBuilder out = new StringBuilder(4096);
        List<MetricData> sorted = new ArrayList<>(metrics);
        sorted.sort(Comparator.comparing(MetricData::getName));
        for (MetricData m : sorted) {
            switch (m.getType()) {
                case LONG_SUM, DOUBLE_SUM -> sum(out, m, format);
                case LONG_GAUGE, DOUBLE_GAUGE -> family(out, m, baseName(m), "gauge", format, m.getData().getPoints(), "");
                case HISTOGRAM -> histogram(out, m, format);
                default -> {
                    // exponential histograms and summaries are not produced by Weft's instruments
                }
            }
        }
        if (format == Format.OPENMETRICS) {
            out.append("# EOF\n");
        }
        return out.toString();
    }

    private static void sum(StringBuilder out, MetricData m, Format format) {
        SumData<?> data = m.getType() == io.opentelemetry.sdk.metrics.data.MetricDataType.LONG_SUM
                ? m.getLongSumData() : m.getDoubleSumData();
        String base = baseName(m);
        if (data.isMonotonic()) {
            family(out, m, base, "counter", format, data.getPoints(), "_total");
        } else {
            family(out, m, base, "gauge", format, data.getPoints(), "");
        }
    }

    private static void family(StringBuilder out, MetricData m, String base, String type, Format format,
                               Collection<? extends PointData> points, String sampleSuffix) {
        String familyName = format == Format.OPENMETRICS ? base : base + sampleSuffix;
        header(out, m, familyName, type);
        for (PointData p : sorted(points)) {
            out.append(base).append(sampleSuffix);
            labels(out, p.getAttributes(), null, null);
            out.append(' ');
            if (p instanceof LongPointData l) {
                out.append(l.getValue());
            } else if (p instanceof DoublePointData d) {
                number(out, d.getValue());
            }
            out.append('\n');
        }
    }

    private static void histogram(StringBuilder out, MetricData m, Format format) {
        String base = baseName(m);
        header(out, m, base, "histogram");
        for (HistogramPointData p : sorted(m.getHistogramData().getPoints())) {
            List<Double> bounds = p.getBoundaries();
            List<Long> counts = p.getCounts();
            long cumulative = 0;
            for (int i = 0; i < counts.size(); i++) {
                cumulative += counts.get(i);
                out.append(base).append("_bucket");
                labels(out, p.getAttributes(), "le", i < bounds.size() ? le(bounds.get(i)) : "+Inf");
                out.append(' ').append(cumulative).append('\n');
            }
            out.append(base).append("_sum");
            labels(out, p.getAttributes(), null, null);
            out.append(' ');
            number(out, p.getSum());
            out.append('\n');
            out.append(base).append("_count");
            labels(out, p.getAttributes(), null, null);
            out.append(' ').append(p.getCount()).append('\n');
        }
    }

    private static void header(StringBuilder out, MetricData m, String name, String type) {
        if (!m.getDescription().isEmpty()) {
            out.append("# HELP ").append(name).append(' ')
                    .append(m.getDescription().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        }
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static <P extends PointData> List<P> sorted(Collection<P> points) {
        List<P> list = new ArrayList<>(points);
        list.sort(Comparator.comparing(p -> p.getAttributes().toString()));
        return list;
    }

    private static void labels(StringBuilder out, Attributes attrs, String extraKey, String extraValue) {
        if (attrs.isEmpty() && extraKey == null) {
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<AttributeKey<?>, Object> e : attrs.asMap().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(sanitize(e.getKey().getKey())).append("=\"");
            escape(out, String.valueOf(e.getValue()));
            out.append('"');
        }
        if (extraKey != null) {
            if (!first) {
                out.append(',');
            }
            out.append(extraKey).append("=\"").append(extraValue).append('"');
        }
        out.append('}');
    }

    private static void escape(StringBuilder out, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static String le(double bound) {
        StringBuilder sb = new StringBuilder();
        number(sb, bound);
        return sb.toString();
    }

    private static void number(StringBuilder out, double v) {
        if (v == Double.POSITIVE_INFINITY) {
            out.append("+Inf");
        } else if (v == Double.NEGATIVE_INFINITY) {
            out.append("-Inf");
        } else if (Double.isNaN(v)) {
            out.append("NaN");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v).append(".0");
        } else {
            out.append(v);
        }
    }

    /** The Prometheus metric name for an OpenTelemetry metric, before any {@code _total}. */
    static String baseName(MetricData m) {
        String name = sanitize(m.getName());
        String unit = unitSuffix(m.getUnit());
        if (!unit.isEmpty() && !name.endsWith("_" + unit)) {
            name = name + "_" + unit;
        }
        return name;
    }

    private static String unitSuffix(String unit) {
        if (unit == null || unit.isEmpty() || unit.startsWith("{")) {
            return "";
        }
        return switch (unit) {
            case "s" -> "seconds";
            case "ms" -> "milliseconds";
            case "By" -> "bytes";
            case "1" -> "";
            default -> sanitize(unit.replaceAll("\\{[^}]*}", ""));
        };
    }

    static String sanitize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (c >= '0' && c <= '9' && i > 0);
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }
}
