package io.weft.sidecar.route;

/**
 * What route matching reads of a request. Implemented over the server's request without copying.
 * Header names are given in lower case.
 */
public interface RequestView {
    String method();

    /** The path without the query, as received (not decoded). */
    String path();

    /** The first value of a header, or null when absent. */
    String header(String lowerCaseName);

    /** The first value of a query parameter (decoded), or null when absent. */
    String queryParam(String name);
}
