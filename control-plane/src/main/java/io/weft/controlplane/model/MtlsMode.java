package io.weft.controlplane.model;

/** How a service's inbound listener treats callers: only mTLS, mTLS or plaintext, or plaintext only. */
public enum MtlsMode { STRICT, PERMISSIVE, DISABLE }
