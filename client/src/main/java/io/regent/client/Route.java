package io.regent.client;

import java.net.URI;
import java.util.List;

/**
 * Which server to send the next request to: the master once one named itself (in
 * {@code Regent-Master-Url} or a 307) if it is one of the configured servers, otherwise the
 * configured servers in turn. Thread-safe.
 */
final class Route {

    private final List<URI> servers;
    private URI master;
    private int next;

    Route(List<URI> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server URL is needed");
        }
        this.servers = servers.stream().map(RegentClient::root).toList();
    }

    synchronized URI target() {
        return master != null ? master : servers.get(next);
    }

    /**
     * A server named the master: send there from now on, if it is one of the configured servers.
     * A name outside them is ignored, so that no answer (from a misconfigured or hostile member)
     * can lead the client's credentials to another host or to plaintext.
     *
     * @return whether the route follows it
     */
    synchronized boolean masterIs(URI url) {
        if (!servers.contains(url)) {
            return false;
        }
        master = url;
        return true;
    }

    /** The target failed: forget the master it was, and try the next server. */
    synchronized void failed(URI target) {
        if (target.equals(master)) {
            master = null;
        }
        next = (next + 1) % servers.size();
    }
}
