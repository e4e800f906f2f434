package io.regent.replication;

/** Byte counts of text in UTF-8, without encoding it: limits are in bytes, text is in chars. */
public final class Utf8 {

    private Utf8() {
    }

    public static long length(CharSequence s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
