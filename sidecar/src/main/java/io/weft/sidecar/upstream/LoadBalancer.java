package io.weft.sidecar.upstream;

import io.weft.sidecar.model.LbSpec;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks an endpoint for one attempt among those available now (not ejected, not failing health
 * checks, not marked unhealthy by the control plane). Built once per snapshot over a fixed array of
 * endpoints; reads their live state on every pick. Thread-safe.
 */
abstract class LoadBalancer {
    final EndpointState[] eps;
    final int[] weights;
    final Ticker ticker;
    final long warmNanos;

    LoadBalancer(EndpointState[] eps, Ticker ticker, long warmNanos) {
        this.eps = eps;
        this.weights = Arrays.stream(eps).mapToInt(e -> Math.max(1, e.spec().weight())).toArray();
        this.ticker = ticker;
        this.warmNanos = warmNanos;
    }

    /**
     * @param hash  the request's hash for ring hash (ignored by the others)
     * @param avoid an endpoint to use only if nothing else is available (the one a retry just failed on); may be null
     * @return the endpoint, or null when none is available
     */
    abstract EndpointState pick(long hash, EndpointState avoid);

    static LoadBalancer create(LbSpec lb, EndpointState[] eps, Ticker ticker, long warmNanos) {
        return switch (lb.policy()) {
            case ROUND_ROBIN -> new RoundRobin(eps, ticker, warmNanos);
            case RANDOM -> new RandomPick(eps, ticker, warmNanos);
            case LEAST_REQUEST -> new PowerOfTwo(eps, ticker, warmNanos, false, 0, 1);
            case PEAK_EWMA -> new PowerOfTwo(eps, ticker, warmNanos, true, lb.ewmaDefaultRtt().toNanos(), lb.ewmaDecay().toNanos());
            case RING_HASH -> new RingHash(eps, ticker, warmNanos, lb.ringSize());
        };
    }

    /** Whether {@code e} may take this attempt, counting warm-up after (re)joining as a chance to skip it. */
    final boolean usable(EndpointState e, EndpointState avoid) {
        if (e == avoid || !e.available()) {
            return false;
        }
        double warmth = e.warmth(ticker.nanos(), warmNanos);
        return warmth >= 1 || ThreadLocalRandom.current().nextDouble() < warmth;
    }

    /** A scan from a random start for anything available, then the avoided endpoint if it is available. */
    final EndpointState fallback(EndpointState avoid) {
        int n = eps.length;
        if (n == 0) {
            return null;
        }
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            EndpointState e = eps[(start + i) % n];
            if (e != avoid && e.available()) {
                return e;
            }
        }
        return avoid != null && avoid.available() ? avoid : null;
    }

    /** Weighted round robin over a precomputed schedule. */
    static final class RoundRobin extends LoadBalancer {
        private final EndpointState[] schedule;
        private final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

        RoundRobin(EndpointState[] eps, Ticker ticker, long warmNanos) {
            super(eps, ticker, warmNanos);
            int g = 0;
            for (int w : weights) {
                g = gcd(g, w);
            }
            int total = 0;
            for (int w : weights) {
                total += w / Math.max(1, g);
            }
            int scale = Math.max(1, total / 4096 + 1);
            EndpointState[] s = new EndpointState[0];
            if (eps.length > 0) {
                java.util.List<EndpointState> list = new java.util.ArrayList<>();
                // interleave: one slot per endpoint per round while it has weight left
                int[] left = new int[eps.length];
                for (int i = 0; i < eps.length; i++) {
                    left[i] = Math.max(1, weights[i] / Math.max(1, g) / scale);
                }
                boolean any = true;
                while (any) {
                    any = false;
                    for (int i = 0; i < eps.length; i++) {
                        if (left[i]-- > 0) {
                            list.add(eps[i]);
                            any = true;
                        }
                    }
                }
                s = list.toArray(EndpointState[]::new);
            }
            this.schedule = s;
        }

        private static int gcd(int a, int b) {
            return b == 0 ? a : gcd(b, a % b);
        }

        @Override
        EndpointState pick(long hash, EndpointState avoid) {
            int n = schedule.length;
            for (int i = 0; i < n; i++) {
                EndpointState e = schedule[Math.floorMod(next.getAndIncrement(), n)];
                if (usable(e, avoid)) {
                    return e;
                }
            }
            return fallback(avoid);
        }
    }

    /** Weighted random. */
    static final class RandomPick extends LoadBalancer {
        private final int[] cumulative;

        RandomPick(EndpointState[] eps, Ticker ticker, long warmNanos) {
            super(eps, ticker, warmNanos);
            cumulative = new int[eps.length];
            int t = 0;
            for (int i = 0; i < eps.length; i++) {
                t += weights[i];
                cumulative[i] = t;
            }
        }

        @Override
        EndpointState pick(long hash, EndpointState avoid) {
            if (eps.length == 0) {
                return null;
            }
            int total = cumulative[cumulative.length - 1];
            for (int tries = 0; tries < 3; tries++) {
                int r = ThreadLocalRandom.current().nextInt(total);
                int i = Arrays.binarySearch(cumulative, r + 1);
                EndpointState e = eps[i >= 0 ? i : -i - 1];
                if (usable(e, avoid)) {
                    return e;
                }
            }
            return fallback(avoid);
        }
    }

    /**
     * Power of two choices: two random endpoints, the cheaper wins. Cost is requests in flight
     * (least request) or peak-EWMA latency × (in flight + 1) (Linkerd's default), divided by weight
     * and by warmth.
     */
    static final class PowerOfTwo extends LoadBalancer {
        private final boolean ewma;
        private final long defaultRtt;
        private final long decay;

        PowerOfTwo(EndpointState[] eps, Ticker ticker, long warmNanos, boolean ewma, long defaultRtt, long decay) {
            super(eps, ticker, warmNanos);
            this.ewma = ewma;
            this.defaultRtt = defaultRtt;
            this.decay = decay;
        }

        @Override
        EndpointState pick(long hash, EndpointState avoid) {
            int n = eps.length;
            if (n == 0) {
                return null;
            }
            if (n == 1) {
                return eps[0].available() ? eps[0] : null;
            }
            ThreadLocalRandom r = ThreadLocalRandom.current();
            int a = r.nextInt(n);
            int b = r.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            double ca = cost(a, avoid);
            double cb = cost(b, avoid);
            if (Double.isInfinite(ca) && Double.isInfinite(cb)) {
                return fallback(avoid);
            }
            return ca <= cb ? eps[a] : eps[b];
        }

        private double cost(int i, EndpointState avoid) {
            EndpointState e = eps[i];
            if (e == avoid || !e.available()) {
                return Double.POSITIVE_INFINITY;
            }
            long now = ticker.nanos();
            double load = e.inflight() + 1;
            double c = ewma ? e.ewma(now, defaultRtt, decay) * load : load;
            return c / weights[i] / e.warmth(now, warmNanos);
        }
    }

    /** Consistent hashing on a ring (Ketama-style): the same key lands on the same endpoint while it is available. */
    static final class RingHash extends LoadBalancer {
        private final long[] points;
        private final EndpointState[] owners;

        RingHash(EndpointState[] eps, Ticker ticker, long warmNanos, int ringSize) {
            super(eps, ticker, warmNanos);
            int total = Arrays.stream(weights).sum();
            java.util.TreeMap<Long, EndpointState> ring = new java.util.TreeMap<>();
            for (int i = 0; i < eps.length; i++) {
                int share = Math.max(1, (int) ((long) ringSize * weights[i] / Math.max(1, total)));
                for (int k = 0; k < share; k++) {
                    ring.put(Hash64.of(eps[i].authority() + "_" + k), eps[i]);
                }
            }
            points = ring.keySet().stream().mapToLong(Long::longValue).toArray();
            owners = ring.values().toArray(EndpointState[]::new);
        }

        @Override
        EndpointState pick(long hash, EndpointState avoid) {
            int n = points.length;
            if (n == 0) {
                return null;
            }
            int i = Arrays.binarySearch(points, hash);
            int start = i >= 0 ? i : -i - 1;
            for (int k = 0; k < n; k++) {
                EndpointState e = owners[(start + k) % n];
                if (e != avoid && e.available()) {
                    return e;
                }
            }
            return avoid != null && avoid.available() ? avoid : null;
        }
    }

    /** Prefers endpoints in the proxy's own zone; falls back to all when none there is available. */
    static final class ZoneAware extends LoadBalancer {
        private final LoadBalancer local;
        private final LoadBalancer all;

        ZoneAware(LoadBalancer local, LoadBalancer all) {
            super(all.eps, all.ticker, all.warmNanos);
            this.local = local;
            this.all = all;
        }

        @Override
        EndpointState pick(long hash, EndpointState avoid) {
            EndpointState e = local.pick(hash, avoid);
            if (e != null && e != avoid) {
                return e;
            }
            EndpointState other = all.pick(hash, avoid);
            return other != null ? other : e;
        }
    }
}
