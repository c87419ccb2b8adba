package org.vip4j;

import java.util.List;

/**
 * The configuration is not usable. Carries every problem found, each naming the key as the user spelled it, the
 * value (masked when secret) and what is allowed, so that one run shows everything to fix.
 */
public final class VipConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    public VipConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /** One entry per problem, in the form {@code key=value: what is allowed}. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder sb = new StringBuilder("invalid vip4j configuration (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
        for (String p : problems) {
            sb.append(System.lineSeparator()).append("  - ").append(p);
        }
        return sb.toString();
    }
}
