package io.regent.web;

import io.regent.host.GroupStatus;
import jakarta.inject.Inject;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Every response of the product names the master this server follows, so a client that hit
 * the wrong member knows where to go: {@code Regent-Master}, {@code Regent-Master-Url},
 * {@code Regent-Epoch}. A servlet filter, so that health responses carry them too.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true) // writes answer asynchronously
public class MasterHeaderFilter implements Filter {

    public static final String MASTER = "Regent-Master";
    public static final String MASTER_URL = "Regent-Master-Url";
    public static final String EPOCH = "Regent-Epoch";

    @Inject
    private ThisServer engine;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            GroupStatus.Master master = engine.get().masterView();
            if (master.id() != null) {
                http.setHeader(MASTER, master.id());
            }
            if (master.url() != null) {
                http.setHeader(MASTER_URL, master.url());
            }
            http.setHeader(EPOCH, engine.get().epoch().toString());
        }
        chain.doFilter(request, response);
    }
}
