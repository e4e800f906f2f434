package io.regent.group;

import java.io.Closeable;
import java.io.IOException;

/** Releases a socket or channel that is being given up anyway: a failure to close says nothing new. */
final class Closing {

    private Closing() {
    }

    static void quietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
