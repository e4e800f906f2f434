package io.regent.bench;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a user would pick instead of Regent, measured beside it: etcd 3.4 (Debian's
 * {@code etcd-server}), three members on loopback, default settings (it fsyncs every write).
 * Started and stopped by PID; its data lives in the benchmark's scratch directory.
 * <p>{@link #secure} runs it as a user who needs a secure store would, like Regent's defaults:
 * clients over TLS with a certificate of the benchmark's own CA, members to each other over mutual
 * TLS, and authentication on, each client with a token of a user allowed to read and write.
 */
final class EtcdCluster implements AutoCloseable {

    private static final int CLIENT_BASE = 23790;
    private static final int PEER_BASE = 23800;
    private static final String USER = "bench";
    private final List<Process> members = new ArrayList<>();
    private final Path dir;
    private final boolean secure;
    private final HttpClient http;
    private final String password = Long.toHexString(new java.security.SecureRandom().nextLong());

    /** Plaintext and without users: etcd's defaults. */
    EtcdCluster(Path dir) throws IOException, InterruptedException {
        this(dir, false);
    }

    /** TLS everywhere and authentication on. */
    static EtcdCluster secure(Path dir) throws IOException, InterruptedException {
        return new EtcdCluster(dir, true);
    }

    private EtcdCluster(Path dir, boolean secure) throws IOException, InterruptedException {
        Installed.require("etcd", "etcd-server");
        this.dir = dir;
        this.secure = secure;
        Figures.deleteTree(dir);
        Files.createDirectories(dir);
        if (secure) {
            Installed.require("etcdctl", "etcd-client");
            Installed.require("openssl", "openssl");
            certificates();
        }
        this.http = client();
        StringBuilder initial = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            initial.append(i == 1 ? "" : ",").append("e").append(i).append("=").append(peerUrl(i));
        }
        for (int i = 1; i <= 3; i++) {
            File log = dir.resolve("e" + i + ".log").toFile();
            List<String> command = new ArrayList<>(List.of("etcd", "--name", "e" + i, "--data-dir",
                    dir.resolve("e" + i).toString(), "--listen-client-urls", url(i), "--advertise-client-urls", url(i),
                    "--listen-peer-urls", peerUrl(i), "--initial-advertise-peer-urls", peerUrl(i),
                    "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
                    "--initial-cluster-token", "regent-bench"));
            if (secure) {
                String cert = dir.resolve("member.pem").toString();
                String key = dir.resolve("member-key.pem").toString();
                String ca = dir.resolve("ca.pem").toString();
                command.addAll(List.of("--cert-file", cert, "--key-file", key, "--peer-cert-file", cert,
                        "--peer-key-file", key, "--peer-trusted-ca-file", ca, "--peer-client-cert-auth"));
            }
            members.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start());
        }
        long end = System.currentTimeMillis() + 60_000;
        while (leader() < 0) {
            if (System.currentTimeMillis() > end) {
                close();
                throw new IllegalStateException("etcd elected no leader; see " + dir);
            }
            Thread.sleep(200);
        }
        if (secure) {
            enableAuthentication();
        }
    }

    /** Member i's client URL. */
    String url(int i) {
        return (secure ? "https" : "http") + "://127.0.0.1:" + (CLIENT_BASE + i);
    }

    private String peerUrl(int i) {
        return (secure ? "https" : "http") + "://127.0.0.1:" + (PEER_BASE + i);
    }

    /** The operating system's process ids of the members, for their CPU time. */
    List<Long> pids() {
        return members.stream().map(Process::pid).toList();
    }

    /**
     * A fresh token of the benchmark's user for the header {@code Authorization}, or null when
     * authentication is off: what each etcd client gets when it logs in.
     */
    String token() throws IOException, InterruptedException {
        if (!secure) {
            return null;
        }
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(leader()) + "/v3/auth/authenticate"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + USER + "\",\"password\":\"" + password + "\"}"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        String token = field(r.body(), "token");
        if (token == null) {
            throw new IllegalStateException("etcd gave no token: " + r.body());
        }
        return token;
    }

    /** The member that leads now (writes go to it, as to Regent's master), or -1. */
    int leader() {
        for (int i = 1; i <= 3; i++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(i) + "/v3/maintenance/status"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                String body = r.body();
                String leader = field(body, "leader");
                String self = field(body, "member_id");
                if (leader != null && leader.equals(self)) {
                    return i;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /** A CA of the benchmark's own and one certificate, for 127.0.0.1, that every member presents. */
    private void certificates() throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=regent-bench-ca",
                "-keyout", "ca-key.pem", "-out", "ca.pem");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=etcd", "-keyout", "member-key.pem",
                "-out", "member.csr");
        Files.writeString(dir.resolve("member.ext"),
                "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl("x509", "-req", "-in", "member.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-days", "2", "-extfile", "member.ext", "-out", "member.pem");
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        run(command);
    }

    /** The root user, the benchmark's user with read and write on its keys (bench-...), then auth on. */
    private void enableAuthentication() throws IOException, InterruptedException {
        etcdctl("user", "add", "root", "--new-user-password=" + password);
        etcdctl("user", "add", USER, "--new-user-password=" + password);
        etcdctl("role", "add", USER);
        etcdctl("role", "grant-permission", USER, "--prefix=true", "readwrite", "bench-");
        etcdctl("user", "grant-role", USER, USER);
        etcdctl("auth", "enable");
    }

    private void etcdctl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=" + url(leader()),
                "--cacert=" + dir.resolve("ca.pem")));
        command.addAll(List.of(args));
        run(command);
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                    + " failed: " + out);
        }
    }

    private HttpClient client() throws IOException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
        if (!secure) {
            return b.build();
        }
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return b.sslContext(tls).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the benchmark's CA", e);
        }
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":\"");
        if (at < 0) {
            return null;
        }
        int start = at + name.length() + 4;
        return json.substring(start, json.indexOf('"', start));
    }

    @Override
    public void close() {
        members.forEach(p -> {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        });
    }
}
