package io.weft.sidecar.filter.authn;

/** Why a credential was refused; the message goes into {@code error_description}. */
final class AuthFailure extends Exception {
    AuthFailure(String message) {
        super(message, null, false, false);
    }
}
