package io.regent.group;

import java.util.concurrent.ThreadFactory;

/**
 * Regent's own threads (fabric, group commit, answers, watches): plain daemon threads that
 * load classes as the application does. Not a ManagedThreadFactory: the concurrent feature it
 * needs also binds {@code java:comp/DefaultManagedScheduledExecutorService}, which RESTEasy then
 * looks up in JNDI for every suspended response (13 % of the master's request-thread CPU); without
 * it the first lookup fails, RESTEasy remembers that and uses its own scheduler. Nothing these
 * threads run needs a container context: they call the EJBs through their business interface,
 * like the broker client's threads do.
 */
final class ServerThreads implements ThreadFactory {

    private final ClassLoader loader = Thread.currentThread().getContextClassLoader();

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.setContextClassLoader(loader);
        return t;
    }
}
