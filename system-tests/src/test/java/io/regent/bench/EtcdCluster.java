package io.regent.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user would pick instead of Regent, measured beside it: etcd 3.4 (Debian's
 * {@code etcd-server}), three members on loopback, default settings (it fsyncs every write).
 * Started and stopped by PID; its data lives in the benchmark's scratch directory.
 */
final class EtcdCluster implements AutoCloseable {

    private static final int CLIENT_BASE = 23790;
    private static final int PEER_BASE = 23800;
    private final List<Process> members = new ArrayList<>();

    EtcdCluster(Path dir) throws IOException, InterruptedException {
        Installed.require("etcd", "etcd-server");
        Figures.deleteTree(dir);
        StringBuilder initial = new StringBuilder();
        for (int i = 1; i <= 3; i++) {
            initial.append(i == 1 ? "" : ",").append("e").append(i).append("=http://127.0.0.1:").append(PEER_BASE + i);
        }
        for (int i = 1; i <= 3; i++) {
            File log = dir.resolve("e" + i + ".log").toFile();
            dir.toFile().mkdirs();
            members.add(new ProcessBuilder("etcd", "--name", "e" + i, "--data-dir", dir.resolve("e" + i).toString(),
                    "--listen-client-urls", clientUrl(i), "--advertise-client-urls", clientUrl(i),
                    "--listen-peer-urls", "http://127.0.0.1:" + (PEER_BASE + i),
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + (PEER_BASE + i),
                    "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
                    "--initial-cluster-token", "regent-bench")
                    .redirectErrorStream(true).redirectOutput(log).start());
        }
        long end = System.currentTimeMillis() + 60_000;
        while (leader() < 0) {
            if (System.currentTimeMillis() > end) {
                close();
                throw new IllegalStateException("etcd elected no leader; see " + dir);
            }
            Thread.sleep(200);
        }
    }

    static String clientUrl(int i) {
        return "http://127.0.0.1:" + (CLIENT_BASE + i);
    }

    /** The member that leads now (writes go to it, as to Regent's master), or -1. */
    int leader() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (int i = 1; i <= 3; i++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clientUrl(i) + "/v3/maintenance/status"))
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
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        });
    }
}
