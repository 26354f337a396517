package dev.memlogd.forward;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which sources are forwarded: those matching an include glob (every source when there is
 * none) and no exclude glob. A glob matches the whole name: {@code *} any run of characters,
 * {@code ?} one character, anything else itself ({@code onboot.*}, {@code *.out}). Immutable.
 */
final class SourceGlobs {
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private String lastName;
    private boolean lastAnswer;

    SourceGlobs(List<String> include, List<String> exclude) {
        this.include = include.stream().map(SourceGlobs::pattern).toList();
        this.exclude = exclude.stream().map(SourceGlobs::pattern).toList();
    }

    /** Whether {@code source} is forwarded (the last answer is remembered: sources come in runs). */
    boolean forwards(String source) {
        if (include.isEmpty() && exclude.isEmpty()) {
            return true;
        }
        if (source.equals(lastName)) {
            return lastAnswer;
        }
        boolean in = include.isEmpty() || include.stream().anyMatch(p -> p.matcher(source).matches());
        lastAnswer = in && exclude.stream().noneMatch(p -> p.matcher(source).matches());
        lastName = source;
        return lastAnswer;
    }

    static Pattern pattern(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? "(?s).*" : "(?s).");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString());
    }
}
