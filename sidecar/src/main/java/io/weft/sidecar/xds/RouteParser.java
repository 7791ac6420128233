package io.weft.sidecar.xds;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.weft.sidecar.model.HashPolicySpec;
import io.weft.sidecar.model.HeaderSpec;
import io.weft.sidecar.model.PathSpec;
import io.weft.sidecar.model.QueryParamSpec;
import io.weft.sidecar.model.RetryPolicySpec;
import io.weft.sidecar.model.RouteActionSpec;
import io.weft.sidecar.model.WeightedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** The parts of a Route: its match, and its action (forward with retries/hashing/mirrors, redirect, direct). */
final class RouteParser {
    private RouteParser() {
    }

    static PathSpec path(io.envoyproxy.envoy.config.route.v3.RouteMatch m, String where) throws InvalidResourceException {
        boolean cs = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
        return switch (m.getPathSpecifierCase()) {
            case PREFIX -> new PathSpec(PathSpec.Kind.PREFIX, m.getPrefix(), cs);
            case PATH -> new PathSpec(PathSpec.Kind.EXACT, m.getPath(), cs);
            case SAFE_REGEX -> new PathSpec(PathSpec.Kind.REGEX, Protos.regex(m.getSafeRegex().getRegex(), where + ".match.safe_regex"), cs);
            case PATH_SEPARATED_PREFIX -> new PathSpec(PathSpec.Kind.SEPARATED_PREFIX, m.getPathSeparatedPrefix(), cs);
            default -> throw new InvalidResourceException(where + ".match: " + m.getPathSpecifierCase()
                    + " (expected: prefix, path, safe_regex or path_separated_prefix)");
        };
    }

    static List<HeaderSpec> headers(List<HeaderMatcher> ms, String where) throws InvalidResourceException {
        List<HeaderSpec> out = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            out.add(header(ms.get(i), where + "[" + i + "]"));
        }
        return out;
    }

    @SuppressWarnings("deprecation") // the legacy matcher fields still arrive from older control planes
    private static HeaderSpec header(HeaderMatcher h, String where) throws InvalidResourceException {
        String name = h.getName().toLowerCase(Locale.ROOT);
        boolean invert = h.getInvertMatch();
        return switch (h.getHeaderMatchSpecifierCase()) {
            case STRING_MATCH -> {
                StringMatcher sm = h.getStringMatch();
                yield new HeaderSpec(name, kind(sm, where + ".string_match"), value(sm, where + ".string_match"), invert);
            }
            case EXACT_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.EXACT, h.getExactMatch(), invert);
            case PREFIX_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.PREFIX, h.getPrefixMatch(), invert);
            case SUFFIX_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.SUFFIX, h.getSuffixMatch(), invert);
            case PRESENT_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.PRESENT, "", invert != h.getPresentMatch());
            case SAFE_REGEX_MATCH -> new HeaderSpec(name, HeaderSpec.Kind.REGEX,
                    Protos.regex(h.getSafeRegexMatch().getRegex(), where + ".safe_regex_match"), invert);
            case HEADERMATCHSPECIFIER_NOT_SET -> new HeaderSpec(name, HeaderSpec.Kind.PRESENT, "", invert);
            default -> throw new InvalidResourceException(where + ": " + h.getHeaderMatchSpecifierCase()
                    + " (expected: string_match, exact, prefix, suffix, present or safe_regex)");
        };
    }

    private static HeaderSpec.Kind kind(StringMatcher sm, String where) throws InvalidResourceException {
        return switch (sm.getMatchPatternCase()) {
            case EXACT -> HeaderSpec.Kind.EXACT;
            case PREFIX -> HeaderSpec.Kind.PREFIX;
            case SUFFIX -> HeaderSpec.Kind.SUFFIX;
            case CONTAINS -> HeaderSpec.Kind.CONTAINS;
            case SAFE_REGEX -> HeaderSpec.Kind.REGEX;
            default -> throw new InvalidResourceException(where + ": " + sm.getMatchPatternCase() + " (expected: a pattern)");
        };
    }

    private static String value(StringMatcher sm, String where) throws InvalidResourceException {
        return switch (sm.getMatchPatternCase()) {
            case EXACT -> sm.getExact();
            case PREFIX -> sm.getPrefix();
            case SUFFIX -> sm.getSuffix();
            case CONTAINS -> sm.getContains();
            case SAFE_REGEX -> Protos.regex(sm.getSafeRegex().getRegex(), where + ".safe_regex");
            default -> "";
        };
    }

    static List<QueryParamSpec> queryParams(List<QueryParameterMatcher> ms, String where) throws InvalidResourceException {
        List<QueryParamSpec> out = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            QueryParameterMatcher q = ms.get(i);
            String at = where + "[" + i + "]";
            if (q.hasStringMatch()) {
                StringMatcher sm = q.getStringMatch();
                out.add(new QueryParamSpec(q.getName(), kind(sm, at + ".string_match"), value(sm, at + ".string_match"),
                        sm.getIgnoreCase()));
            } else {
                out.add(new QueryParamSpec(q.getName(), HeaderSpec.Kind.PRESENT, "", false));
            }
        }
        return out;
    }

    static RouteActionSpec action(Route r, Optional<RetryPolicySpec> hostRetry, String where) throws InvalidResourceException {
        return switch (r.getActionCase()) {
            case ROUTE -> forward(r.getRoute(), hostRetry, where + ".route");
            case REDIRECT -> redirect(r.getRedirect(), where + ".redirect");
            case DIRECT_RESPONSE -> {
                var d = r.getDirectResponse();
                if (d.getStatus() < 200 || d.getStatus() > 599) {
                    throw new InvalidResourceException(where + ".direct_response.status: " + d.getStatus() + " (expected: 200 to 599)");
                }
                String body = d.getBody().hasInlineString() ? d.getBody().getInlineString()
                        : d.getBody().getInlineBytes().toStringUtf8();
                yield new RouteActionSpec.Direct(d.getStatus(), body);
            }
            default -> throw new InvalidResourceException(where + ": " + r.getActionCase()
                    + " (expected: route, redirect or direct_response)");
        };
    }

    private static RouteActionSpec.Forward forward(RouteAction a, Optional<RetryPolicySpec> hostRetry, String where)
            throws InvalidResourceException {
        List<WeightedCluster> clusters = new ArrayList<>();
        switch (a.getClusterSpecifierCase()) {
            case CLUSTER -> clusters.add(new WeightedCluster(a.getCluster(), 1));
            case WEIGHTED_CLUSTERS -> {
                for (var cw : a.getWeightedClusters().getClustersList()) {
                    if (cw.getWeight().getValue() > 0) {
                        clusters.add(new WeightedCluster(cw.getName(), cw.getWeight().getValue()));
                    }
                }
                if (clusters.isEmpty()) {
                    throw new InvalidResourceException(where + ".weighted_clusters: all weights zero (expected: a positive total)");
                }
            }
            default -> throw new InvalidResourceException(where + ": " + a.getClusterSpecifierCase()
                    + " (expected: cluster or weighted_clusters)");
        }
        Optional<Duration> timeout = Optional.empty();
        if (a.hasTimeout()) {
            Duration t = Protos.duration(a.getTimeout());
            if (t.isNegative()) {
                throw new InvalidResourceException(where + ".timeout: " + t + " (expected: >= 0)");
            }
            timeout = Optional.of(t);
        }
        Optional<RouteActionSpec.RegexRewrite> regexRewrite = Optional.empty();
        if (a.hasRegexRewrite()) {
            regexRewrite = Optional.of(new RouteActionSpec.RegexRewrite(
                    Protos.regex(a.getRegexRewrite().getPattern().getRegex(), where + ".regex_rewrite.pattern"),
                    a.getRegexRewrite().getSubstitution()));
        }
        Optional<RetryPolicySpec> retry = a.hasRetryPolicy() ? Optional.of(retry(a.getRetryPolicy(), where + ".retry_policy")) : hostRetry;
        List<HashPolicySpec> hashes = new ArrayList<>();
        for (int i = 0; i < a.getHashPolicyCount(); i++) {
            var h = a.getHashPolicy(i);
            String at = where + ".hash_policy[" + i + "]";
            hashes.add(switch (h.getPolicySpecifierCase()) {
                case HEADER -> new HashPolicySpec(HashPolicySpec.Kind.HEADER, h.getHeader().getHeaderName().toLowerCase(Locale.ROOT), h.getTerminal());
                case COOKIE -> new HashPolicySpec(HashPolicySpec.Kind.COOKIE, h.getCookie().getName(), h.getTerminal());
                case QUERY_PARAMETER -> new HashPolicySpec(HashPolicySpec.Kind.QUERY_PARAMETER, h.getQueryParameter().getName(), h.getTerminal());
                case CONNECTION_PROPERTIES -> new HashPolicySpec(HashPolicySpec.Kind.SOURCE_IP, "", h.getTerminal());
                default -> throw new InvalidResourceException(at + ": " + h.getPolicySpecifierCase()
                        + " (expected: header, cookie, query_parameter or connection_properties)");
            });
        }
        List<RouteActionSpec.MirrorSpec> mirrors = new ArrayList<>();
        for (int i = 0; i < a.getRequestMirrorPoliciesCount(); i++) {
            var m = a.getRequestMirrorPolicies(i);
            int pm = m.hasRuntimeFraction() ? Protos.perMillion(m.getRuntimeFraction().getDefaultValue(),
                    where + ".request_mirror_policies[" + i + "].runtime_fraction.default_value") : 1_000_000;
            mirrors.add(new RouteActionSpec.MirrorSpec(m.getCluster(), pm));
        }
        return new RouteActionSpec.Forward(clusters, timeout,
                a.getPrefixRewrite().isEmpty() ? Optional.empty() : Optional.of(a.getPrefixRewrite()), regexRewrite,
                a.getHostRewriteLiteral().isEmpty() ? Optional.empty() : Optional.of(a.getHostRewriteLiteral()),
                retry, hashes, mirrors);
    }

    static RetryPolicySpec retry(RetryPolicy p, String where) throws InvalidResourceException {
        Set<RetryPolicySpec.Condition> conditions = EnumSet.noneOf(RetryPolicySpec.Condition.class);
        for (String token : p.getRetryOn().split(",")) {
            String t = token.strip();
            if (t.isEmpty()) {
                continue;
            }
            conditions.add(RetryPolicySpec.Condition.of(t).orElseThrow(() -> new InvalidResourceException(where
                    + ".retry_on: \"" + t + "\" (expected: 5xx, gateway-error, reset, connect-failure, retriable-4xx, "
                    + "refused-stream, retriable-status-codes, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable)")));
        }
        int num = p.hasNumRetries() ? p.getNumRetries().getValue() : 1;
        Optional<Duration> perTry = p.hasPerTryTimeout() && !Protos.duration(p.getPerTryTimeout()).isZero()
                ? Optional.of(Protos.positive(true, p.getPerTryTimeout(), Duration.ZERO, where + ".per_try_timeout")) : Optional.empty();
        Duration base = Protos.positive(p.getRetryBackOff().hasBaseInterval(), p.getRetryBackOff().getBaseInterval(),
                Duration.ofMillis(25), where + ".retry_back_off.base_interval");
        Duration max = Protos.positive(p.getRetryBackOff().hasMaxInterval(), p.getRetryBackOff().getMaxInterval(),
                base.multipliedBy(10), where + ".retry_back_off.max_interval");
        if (max.compareTo(base) < 0) {
            throw new InvalidResourceException(where + ".retry_back_off.max_interval: " + max + " (expected: >= base_interval " + base + ")");
        }
        Set<Integer> codes = new HashSet<>(p.getRetriableStatusCodesList());
        return new RetryPolicySpec(conditions, num, perTry, base, max, codes,
                headers(p.getRetriableRequestHeadersList(), where + ".retriable_request_headers"));
    }

    private static RouteActionSpec.Redirect redirect(RedirectAction r, String where) throws InvalidResourceException {
        Optional<String> scheme = r.getHttpsRedirect() ? Optional.of("https")
                : r.getSchemeRedirect().isEmpty() ? Optional.empty() : Optional.of(r.getSchemeRedirect());
        int status = switch (r.getResponseCode()) {
            case MOVED_PERMANENTLY -> 301;
            case FOUND -> 302;
            case SEE_OTHER -> 303;
            case TEMPORARY_REDIRECT -> 307;
            case PERMANENT_REDIRECT -> 308;
            default -> throw new InvalidResourceException(where + ".response_code: " + r.getResponseCode()
                    + " (expected: one of the redirect codes)");
        };
        return new RouteActionSpec.Redirect(scheme,
                r.getHostRedirect().isEmpty() ? Optional.empty() : Optional.of(r.getHostRedirect()),
                r.getPortRedirect() == 0 ? OptionalInt.empty() : OptionalInt.of(r.getPortRedirect()),
                r.getPathRedirect().isEmpty() ? Optional.empty() : Optional.of(r.getPathRedirect()),
                r.getPrefixRewrite().isEmpty() ? Optional.empty() : Optional.of(r.getPrefixRewrite()),
                status, r.getStripQuery());
    }
}
