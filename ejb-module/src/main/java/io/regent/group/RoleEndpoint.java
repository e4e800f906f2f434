package io.regent.group;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a load balancer polls many times a second, answered by the JDK's small HTTP server on a
 * port of its own, beside Liberty's: {@code GET /role/master} is 200 on the master open for writes
 * and 503 elsewhere, {@code GET /role/member} is 200 on a server caught up (Patroni's role
 * endpoints). Each check costs a fraction of what a request through Liberty's web container does
 * (measured in the README), and only a role is told, so it needs neither authentication nor TLS.
 */
final class RoleEndpoint implements AutoCloseable {

    private final HttpServer server;

    /**
     * @param why what this server is instead of open for writes (for the body), or null when it is
     */
    RoleEndpoint(String host, int port, BooleanSupplier master, BooleanSupplier member, Supplier<String> why)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "regent-role-endpoint");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/role/master", x -> answer(x, master.getAsBoolean(), why));
        server.createContext("/role/member", x -> answer(x, member.getAsBoolean(), why));
        server.start();
    }

    private static void answer(HttpExchange exchange, boolean up, Supplier<String> why) throws IOException {
        try (exchange) {
            String text = up ? "yes\n" : why.get() + "\n";
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(up ? 200 : 503, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
