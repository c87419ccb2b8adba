package org.vip4j;

/** Where an effective configuration value came from, lowest precedence first. */
public enum ConfigSource {
    DEFAULT("default"),
    FILE("file"),
    ENVIRONMENT("env"),
    /** A command-line flag or a builder call: the highest precedence. */
    OVERRIDE("flag/builder");

    private final String label;

    ConfigSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
