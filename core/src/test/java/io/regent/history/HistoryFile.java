package io.regent.history;

import io.regent.history.Operation.Outcome;
import io.regent.history.Request.Consistency;
import io.regent.history.Request.Kind;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * A history as a text file a reader can follow and the checker can read back: one operation a
 * line, tab-separated, times in milliseconds (to the nanosecond) after an origin the file names,
 * so that a failing run's histories can be kept, read, and checked again. {@code -} stands for
 * an argument or answer there is not; text fields escape {@code \}, tab, CR and LF, and a text
 * that is just {@code -} is written {@code \-}. For instance:
 *
 * <pre>
 * # client key kind   consistency value expected min-seq invoked-ms responded-ms outcome result  version result-value seq
 * 3       k   CAS_PUT -           v17   3        -       12.500000  14.020000    OK      written 4       -            120
 * 1       k   READ    MIN_SEQ     -     -        120     15.000000  15.900000    OK      present 4       v17          121
 * </pre>
 */
public final class HistoryFile {

    private static final String ORIGIN = "# origin-ns\t";
    private static final String COLUMNS = "# client\tkey\tkind\tconsistency\tvalue\texpected\tmin-seq\tinvoked-ms"
            + "\tresponded-ms\toutcome\tresult\tversion\tresult-value\tseq";
    private static final String NONE = "-";
    private static final String IN_FLIGHT = "in-flight";
    private static final int FIELDS = 14;

    private HistoryFile() {
    }

    public static void write(Path file, Collection<Operation> operations) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(out, operations);
        }
    }

    /**
     * Writes one key's operations to a file in {@code dir} named after the key, and returns it: what
     * a run keeps of a key whose verdict was not linearizable.
     */
    public static Path keep(Path dir, String key, Collection<Operation> operations) throws IOException {
        Files.createDirectories(dir);
        String safe = key.replaceAll("[^A-Za-z0-9._-]", "_");
        if (!safe.equals(key)) {
            safe += "-" + Integer.toHexString(key.hashCode());
        }
        Path file = dir.resolve("history-" + safe + ".tsv");
        write(file, operations);
        return file;
    }

    public static void write(Writer out, Collection<Operation> operations) throws IOException {
        long origin = operations.stream().mapToLong(Operation::invokedNanos).min().orElse(0);
        out.write("# regent history: one operation a line; times in ms after origin-ns; - for none\n");
        out.write(ORIGIN + origin + "\n");
        out.write(COLUMNS + "\n");
        for (Operation op : operations) {
            out.write(line(op, origin));
            out.write('\n');
        }
    }

    /** The file's text, for a test or a log. */
    public static String format(Collection<Operation> operations) {
        StringWriter text = new StringWriter();
        try {
            write(text, operations);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    public static List<Operation> read(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    public static List<Operation> parse(String text) {
        try {
            return read(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException naming the line that cannot be read */
    public static List<Operation> read(Reader in) throws IOException {
        BufferedReader lines = new BufferedReader(in);
        List<Operation> operations = new ArrayList<>();
        long origin = 0;
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            if (line.startsWith(ORIGIN)) {
                origin = Long.parseLong(line.substring(ORIGIN.length()).trim());
            } else if (!line.startsWith("#") && !line.isBlank()) {
                try {
                    operations.add(operation(line.split("\t", -1), origin));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("line " + number + ": " + e.getMessage() + ": " + line, e);
                }
            }
        }
        return operations;
    }

    private static String line(Operation op, long origin) {
        Request r = op.request();
        Result result = op.result();
        String resultName = NONE;
        String version = NONE;
        String resultValue = NONE;
        if (result instanceof Result.Written w) {
            resultName = "written";
            version = Long.toString(w.version());
        } else if (result instanceof Result.Deleted d) {
            resultName = "deleted";
            version = Long.toString(d.version());
        } else if (result instanceof Result.Conflict c) {
            resultName = "conflict";
            version = Long.toString(c.currentVersion());
        } else if (result instanceof Result.Present p) {
            resultName = "present";
            version = Long.toString(p.version());
            resultValue = escape(p.value());
        } else if (result instanceof Result.Absent) {
            resultName = "absent";
        }
        return String.join("\t",
                Integer.toString(op.client()),
                escape(r.key()),
                r.kind().name(),
                r.consistency() == null ? NONE : r.consistency().name(),
                r.value() == null ? NONE : escape(r.value()),
                number(r.expectedVersion()),
                number(r.minSeq()),
                millis(op.invokedNanos() - origin),
                op.respondedNanos() == Operation.IN_FLIGHT ? IN_FLIGHT : millis(op.respondedNanos() - origin),
                op.outcome().name(),
                resultName,
                version,
                resultValue,
                number(op.seq()));
    }

    private static Operation operation(String[] f, long origin) {
        if (f.length != FIELDS) {
            throw new IllegalArgumentException(FIELDS + " fields expected, not " + f.length);
        }
        Kind kind = Kind.valueOf(f[2]);
        Request request = new Request(unescape(f[1]), kind, text(f[4]),
                number(f[5]), f[3].equals(NONE) ? null : Consistency.valueOf(f[3]), number(f[6]));
        long version = number(f[11]);
        Result result = switch (f[10]) {
            case "written" -> Result.written(version);
            case "deleted" -> Result.deleted(version);
            case "conflict" -> Result.conflict(version);
            case "present" -> Result.present(unescape(f[12]), version);
            case "absent" -> Result.ABSENT;
            case NONE -> null;
            default -> throw new IllegalArgumentException("no such result: " + f[10]);
        };
        long invoked = origin + nanos(f[7]);
        long responded = f[8].equals(IN_FLIGHT) ? Operation.IN_FLIGHT : origin + nanos(f[8]);
        return new Operation(Integer.parseInt(f[0]), request, invoked, responded, Outcome.valueOf(f[9]), result,
                number(f[13]));
    }

    /** Nanoseconds as milliseconds with six decimals: exact, and readable. */
    static String millis(long nanos) {
        String sign = nanos < 0 ? "-" : "";
        long abs = Math.abs(nanos);
        return sign + abs / 1_000_000 + "." + String.format(Locale.ROOT, "%06d", abs % 1_000_000);
    }

    static long nanos(String millis) {
        boolean negative = millis.startsWith("-");
        String abs = negative ? millis.substring(1) : millis;
        int dot = abs.indexOf('.');
        String whole = dot < 0 ? abs : abs.substring(0, dot);
        String fraction = dot < 0 ? "" : abs.substring(dot + 1);
        if (fraction.length() > 6) {
            throw new IllegalArgumentException("more than nanosecond precision: " + millis);
        }
        long nanos = Long.parseLong(whole) * 1_000_000 + (fraction.isEmpty() ? 0 : Long.parseLong((fraction + "00000").substring(0, 6)));
        return negative ? -nanos : nanos;
    }

    private static String number(long n) {
        return n < 0 ? NONE : Long.toString(n);
    }

    private static long number(String field) {
        return field.equals(NONE) ? -1 : Long.parseLong(field);
    }

    private static String text(String field) {
        return field.equals(NONE) ? null : unescape(field);
    }

    static String escape(String text) {
        if (text.equals(NONE)) {
            return "\\-";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == field.length()) {
                throw new IllegalArgumentException("a field ends in a lone backslash: " + field);
            }
            char e = field.charAt(i);
            out.append(switch (e) {
                case '\\' -> '\\';
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case '-' -> '-';
                default -> throw new IllegalArgumentException("no such escape: \\" + e);
            });
        }
        return out.toString();
    }
}
