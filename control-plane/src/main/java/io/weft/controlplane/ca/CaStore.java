package io.weft.controlplane.ca;

import io.weft.proto.identity.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CA's roots on disk, in one directory the operator keeps private: {@code root-cert.pem} and
 * {@code root-key.pem} (the signing root), {@code next-root-*.pem} during a prepared rotation, and
 * {@code previous-root-N-*.pem} for roots still trusted. Keys are PKCS#8 PEM, written owner-only.
 * Writes go to a temporary file first and are moved into place.
 */
final class CaStore {
    private final Path dir;

    CaStore(Path dir) {
        this.dir = dir;
    }

    Optional<CaState> load() {
        Path cert = dir.resolve("root-cert.pem");
        if (!Files.exists(cert)) {
            return Optional.empty();
        }
        RootCa active = read(cert, dir.resolve("root-key.pem"));
        Optional<RootCa> next = Files.exists(dir.resolve("next-root-cert.pem"))
                ? Optional.of(read(dir.resolve("next-root-cert.pem"), dir.resolve("next-root-key.pem")))
                : Optional.empty();
        List<RootCa> previous = new ArrayList<>();
        for (int i = 0; Files.exists(dir.resolve("previous-root-" + i + "-cert.pem")); i++) {
            previous.add(read(dir.resolve("previous-root-" + i + "-cert.pem"), dir.resolve("previous-root-" + i + "-key.pem")));
        }
        return Optional.of(new CaState(active, next, previous));
    }

    void save(CaState state) {
        try {
            Files.createDirectories(dir);
            write(state.active(), "root");
            if (state.next().isPresent()) {
                write(state.next().get(), "next-root");
            } else {
                Files.deleteIfExists(dir.resolve("next-root-cert.pem"));
                Files.deleteIfExists(dir.resolve("next-root-key.pem"));
            }
            int i = 0;
            for (RootCa p : state.previous()) {
                write(p, "previous-root-" + i++);
            }
            while (Files.deleteIfExists(dir.resolve("previous-root-" + i + "-cert.pem"))) {
                Files.deleteIfExists(dir.resolve("previous-root-" + i++ + "-key.pem"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("CA state " + dir + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    /** Loads a root an operator provides as two PEM files. */
    static RootCa read(Path certFile, Path keyFile) {
        try {
            List<X509Certificate> certs = Pem.parseCertificates(Files.readString(certFile));
            PrivateKey key = Pem.parsePrivateKey(Files.readString(keyFile), certs.get(0).getPublicKey().getAlgorithm());
            return new RootCa(certs.get(0), key);
        } catch (IOException e) {
            throw new UncheckedIOException("CA root " + certFile + " / " + keyFile + ": cannot read (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CA root " + certFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private void write(RootCa root, String prefix) throws IOException {
        atomic(dir.resolve(prefix + "-cert.pem"), Pem.certificate(root.certificate()), false);
        atomic(dir.resolve(prefix + "-key.pem"), Pem.privateKey(root.key()), true);
    }

    static void atomic(Path target, String text, boolean secret) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (secret && tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(tmp, text);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
