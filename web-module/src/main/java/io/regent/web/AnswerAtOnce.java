package io.regent.web;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Sends a write's answer from the thread that resumes it. A suspended response resumed on
 * another thread is only buffered there: the web container sends it when the asynchronous
 * request completes, on a thread of its own pool, one more hand-off on every write's path.
 * Written whole, with its length, and flushed, the answer leaves at once and the completion has
 * nothing left to send. Answers are small ({key,version,epoch} or a problem).
 */
@Provider
@AnsweredAtOnce
public class AnswerAtOnce implements WriterInterceptor {

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        OutputStream out = context.getOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream(256);
        context.setOutputStream(body);
        try {
            context.proceed();
        } finally {
            context.setOutputStream(out);
        }
        context.getHeaders().putSingle(HttpHeaders.CONTENT_LENGTH, body.size());
        body.writeTo(out);
        out.flush();
    }
}
