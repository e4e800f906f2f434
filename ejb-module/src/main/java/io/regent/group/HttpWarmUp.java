package io.regent.group;

import io.regent.host.RegentSettings;
import io.regent.kv.KeyRules;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Reads this server sends itself through its own HTTP endpoint once it has joined its group.
 * A backup serves no client, so the code of its request path (authentication, the REST layer,
 * JSON) would run for the first time, interpreted, in the burst of writes that meets it as a new
 * master: measured, that made the first write after a failover under load wait ~200 ms instead
 * of ~40 (README, Operations). Requests through the real endpoint compile that path; calls inside
 * the JVM did not. It reads only, as a user with the reader role, and gives up on any refusal.
 * Each read is followed by a rest as long as it took, so it takes at most about half of a core.
 */
final class HttpWarmUp implements Runnable {

    /** How long to wait for the endpoint to open: Liberty opens it once every application started. */
    private static final long OPEN_WAIT_MILLIS = 120_000;
    private static final String PREFIX = "regent-warm-up";
    /** The store's rules for keys; its limit on values plays no part here. */
    private static final KeyRules KEY_RULES = new KeyRules(0);

    private final String base;
    private final URI list;
    /** The store's first key: see {@link #keyToRead}. */
    private final URI firstKey;
    private final URI absentKey;
    private final String authorization;
    private final int requests;
    /** Null for an http:// URL. */
    private final SSLContext tls;
    private final Consumer<String> report;

    HttpWarmUp(String serverUrl, RegentSettings.WarmUp w, Consumer<String> report) {
        this.base = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        this.list = URI.create(base + "/api/kv?prefix=" + PREFIX + "&limit=1");
        this.firstKey = URI.create(base + "/api/kv?limit=1");
        this.absentKey = URI.create(base + "/api/kv/" + PREFIX);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (w.user() + ":" + w.password()).getBytes(StandardCharsets.UTF_8));
        this.requests = w.requests();
        this.report = report;
        this.tls = w.keyStore() == null ? null : trustingOwnKey(w);
    }

    @Override
    public void run() {
        long start = System.currentTimeMillis();
        // made here and dropped at the end, with its selector thread
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        HttpClient client = tls == null ? b.build() : b.sslContext(tls).build();
        try {
            if (!endpointOpen(client, start + OPEN_WAIT_MILLIS)) {
                report.accept("not done: " + list.getAuthority() + " did not answer within " + OPEN_WAIT_MILLIS / 1000 + " s");
                return;
            }
            long from = System.currentTimeMillis();
            URI key = keyToRead(client);
            for (int n = 0; n < requests; n++) {
                long t0 = System.nanoTime();
                int status = send(client, n % 2 == 0 ? list : key);
                // a read of a key nobody wrote is a 404; anything else but a 200 is a refusal
                if (status != 200 && status != 404) {
                    report.accept("stopped after " + n + " reads: HTTP " + status + " (is " + RegentSettings.WARMUP_USER
                            + " a reader, with its password in " + RegentSettings.WARMUP_PASSWORD + "?)");
                    return;
                }
                // as long again at rest: the warm-up (and the compiling it causes) takes at most
                // about half of the time, so a server's start does not starve its neighbours
                Thread.sleep(Math.min(50, (System.nanoTime() - t0) / 1_000_000));
            }
            report.accept(requests + " reads of its own endpoint in " + (System.currentTimeMillis() - from) + " ms");
        } catch (IOException e) {
            report.accept("stopped: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the endpoint answers reads: it is listening, and the server knows which of its
     * writes are committed (until then, right after a start, it answers 503).
     */
    private boolean endpointOpen(HttpClient client, long deadline) throws InterruptedException {
        while (System.currentTimeMillis() < deadline) {
            try {
                if (send(client, list) != 503) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }

    /**
     * The first key in the store, so that the reads of a key answer 200: Liberty closes the
     * connection after a 404 (OpenLiberty/open-liberty#16521), and reads of a key nobody wrote
     * cost a TLS handshake each, more than the reads themselves. A key nobody wrote while the
     * store is empty, or when the page cannot be had.
     */
    private URI keyToRead(HttpClient client) throws InterruptedException {
        HttpResponse<String> page;
        try {
            page = client.send(HttpRequest.newBuilder(firstKey).timeout(Duration.ofSeconds(10))
                    .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notNow) {
            return absentKey;
        }
        if (page.statusCode() != 200) {
            return absentKey;
        }
        try (JsonReader reader = Json.createReader(new StringReader(page.body()))) {
            JsonArray items = reader.readObject().getJsonArray("items");
            String key = items == null || items.isEmpty() ? null : items.getJsonObject(0).getString("key", null);
            return usableInAPath(key) ? URI.create(base + "/api/kv/" + key) : absentKey;
        } catch (JsonException | ClassCastException notAPage) {
            return absentKey;
        }
    }

    /** A valid key is a legal path segment as it is; "." and ".." would be read as the path's own steps. */
    private static boolean usableInAPath(String key) {
        return key != null && KEY_RULES.keyProblem(key) == null && !key.equals(".") && !key.equals("..");
    }

    private int send(HttpClient client, URI uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Trust in this server's own certificates only (those of its key store's keys): the password
     * goes to this server or nowhere, whatever CA its key is signed by.
     */
    private static SSLContext trustingOwnKey(RegentSettings.WarmUp w) {
        try (InputStream in = Files.newInputStream(w.keyStore())) {
            char[] password = w.keyStorePassword().toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            KeyStore own = KeyStore.getInstance(KeyStore.getDefaultType());
            own.load(null, null);
            for (String alias : java.util.Collections.list(keys.aliases())) {
                Certificate[] chain = keys.isKeyEntry(alias) ? keys.getCertificateChain(alias) : null;
                if (chain != null && chain.length > 0) {
                    own.setCertificateEntry(alias, chain[0]);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(own);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (IOException | GeneralSecurityException e) {
            throw new RegentSettings.BadSettingException(RegentSettings.TLS_KEYSTORE,
                    "cannot read " + w.keyStore() + " for the warm-up: " + e.getMessage());
        }
    }
}
