package io.weft.sidecar.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weft.sidecar.filter.LocalReplyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {
    @ParameterizedTest
    @CsvSource({
            "/admin/../admin/users, /admin/users",
            "/public/../admin/users, /admin/users",
            "/public/%2e%2e/admin, /admin",
            "/public/%2E%2E/admin, /admin",
            "/public/.%2e/admin, /admin",
            "//admin//users, /admin/users",
            "/./admin/./x, /admin/x",
            "/../../admin, /admin",
            "/%61dmin/x, /admin/x",
            "/a/b/, /a/b/",
            "/a/b/.., /a/",
            "/a/%20b, /a/%20b",
            "/a/%c3%a9, /a/%C3%A9",
            "/, /",
            "/a/.., /",
    })
    void normalizes(String raw, String expected) {
        assertEquals(expected, PathNormalizer.normalize(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/public%2f..%2fadmin", "/admin%2Fusers", "/a%5c..%5cadmin", "/a\\..\\admin",
            "/a/%zz", "/a/%2", "/a%00b", "/public/..;/admin", "/x/.;/admin", "admin", ""})
    void refuses(String raw) {
        LocalReplyException e = assertThrows(LocalReplyException.class, () -> PathNormalizer.normalize(raw));
        assertEquals(400, e.status().code());
    }

    @Test
    void refusalNamesThePathAndTheExpectation() {
        LocalReplyException e = assertThrows(LocalReplyException.class, () -> PathNormalizer.normalize("/a%2fb"));
        assertEquals("path \"/a%2fb\" refused (expected: no encoded '/' or '\\')", e.getMessage());
    }
}
