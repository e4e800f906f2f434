package io.regent.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The body of the container's 401 and 403 (web.xml error pages): JSON like every other error
 * of the API, naming what is missing and nothing about the user registry.
 */
@WebServlet("/problem/access")
public class AccessProblemServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c ? c : HttpServletResponse.SC_FORBIDDEN;
        String error = status == HttpServletResponse.SC_UNAUTHORIZED
                ? "authentication required: send HTTP Basic credentials of a Regent user"
                : "forbidden: this user's role does not allow " + String.valueOf(request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI))
                        .replaceAll("[^A-Za-z0-9/._~-]", "?") + " with this method";
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(("{\"status\":" + status + ",\"error\":\"" + error + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
