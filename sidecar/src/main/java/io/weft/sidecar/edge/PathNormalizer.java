package io.weft.sidecar.edge;

import io.weft.sidecar.filter.LocalReplyException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Puts a request path into the one canonical form that the edge both routes on and forwards, so that
 * a path cannot look public to the edge and protected to the upstream. RFC 3986 §6.2.2: percent-encoded
 * unreserved characters are decoded ({@code %2e} → {@code .}), other escapes get upper-case hex, runs
 * of {@code /} collapse, and {@code .} / {@code ..} segments are resolved ({@code ..} never climbs above
 * the root). Refused with 400: encoded {@code /} or {@code \} (their meaning differs between servers),
 * a raw {@code \}, control characters, bad escapes, and dot segments with parameters ({@code ..;}).
 * Stateless and thread-safe.
 */
public final class PathNormalizer {
    private PathNormalizer() {
    }

    /**
     * @param rawPath the path as received, without the query
     * @return the normalized path, starting with {@code /}
     * @throws LocalReplyException 400 when the path is refused
     */
    public static String normalize(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw bad(rawPath, "a path starting with /");
        }
        StringBuilder decoded = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length() || hex(rawPath.charAt(i + 1)) < 0 || hex(rawPath.charAt(i + 2)) < 0) {
                    throw bad(rawPath, "percent signs followed by two hex digits");
                }
                int v = hex(rawPath.charAt(i + 1)) * 16 + hex(rawPath.charAt(i + 2));
                if (v == '/' || v == '\\') {
                    throw bad(rawPath, "no encoded '/' or '\\'");
                }
                if (v < 0x20 || v == 0x7f) {
                    throw bad(rawPath, "no control characters");
                }
                if (unreserved(v)) {
                    decoded.append((char) v);
                } else {
                    decoded.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1)))
                            .append(Character.toUpperCase(rawPath.charAt(i + 2)));
                }
                i += 2;
            } else if (c == '\\') {
                throw bad(rawPath, "no '\\'");
            } else if (c < 0x20 || c == 0x7f) {
                throw bad(rawPath, "no control characters");
            } else {
                decoded.append(c);
            }
        }
        return resolveSegments(decoded, rawPath);
    }

    private static String resolveSegments(CharSequence p, String raw) {
        Deque<String> out = new ArrayDeque<>();
        int start = 1;
        boolean trailingSlash = false;
        int n = p.length();
        while (start <= n) {
            int end = start;
            while (end < n && p.charAt(end) != '/') {
                end++;
            }
            String seg = p.subSequence(start, end).toString();
            boolean last = end >= n;
            if (seg.isEmpty()) {
                trailingSlash = last && !out.isEmpty();
            } else if (seg.equals(".")) {
                trailingSlash = true;
            } else if (seg.equals("..")) {
                out.pollLast();
                trailingSlash = true;
            } else if (seg.startsWith(".;") || seg.startsWith("..;")) {
                throw bad(raw, "no parameters on '.' or '..' segments");
            } else {
                out.addLast(seg);
                trailingSlash = false;
            }
            start = end + 1;
        }
        if (out.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder(p.length());
        for (String s : out) {
            sb.append('/').append(s);
        }
        if (trailingSlash) {
            sb.append('/');
        }
        return sb.toString();
    }

    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static LocalReplyException bad(String raw, String expected) {
        String shown = raw.length() > 200 ? raw.substring(0, 200) + "..." : raw;
        return new LocalReplyException(400, "path \"" + shown + "\" refused (expected: " + expected + ")");
    }
}
