package io.regent.load;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads a server's whole store, or one prefix of it, by paging through {@code GET /api/kv}. */
public final class StoreReader {

    private static final HttpClient HTTP = HttpClient.newBuilder().sslContext(io.regent.it.LocalGroup.trustingSelfSigned()).connectTimeout(Duration.ofSeconds(2)).build();

    private StoreReader() {
    }

    public static Map<String, String> read(String serverUrl, String prefix) {
        Map<String, String> values = new HashMap<>();
        String after = null;
        do {
            String url = serverUrl + "/api/kv?limit=1000&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8)
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonObject page = get(url);
            for (JsonValue v : page.getJsonArray("items")) {
                JsonObject item = v.asJsonObject();
                values.put(item.getString("key"), item.getString("value"));
            }
            after = page.isNull("next") ? null : page.getString("next");
        } while (after != null);
        return values;
    }

    private static JsonObject get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", io.regent.it.Users.basic(io.regent.it.Users.READER)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
            }
            return Json.createReader(new StringReader(r.body())).readObject();
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
