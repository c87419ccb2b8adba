package org.vip4j.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vip4j.ConfigKey;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line: {@code vip4j [run|check] [--config FILE] [--<key> VALUE ...]}. One flag per configuration key
 * of the key table (vip-manager's old names as aliases), so flags can never drift from the keys files and the
 * environment accept.
 */
final class LauncherOptions {

    /** What the command line asked for. */
    record Parsed(String command, String configFile, boolean keepOnStop, String statusAddress, int nice,
                  Map<String, String> keys, boolean help, boolean version) {
    }

    /**
     * The nice value {@code run} gives its threads unless asked otherwise: high enough that a database host busy
     * with a switchover cannot make the handover wait in the run queue, short of real-time scheduling.
     */
    static final int DEFAULT_NICE = -10;

    private LauncherOptions() {
    }

    static CommandLine commandLine() {
        CommandSpec spec = CommandSpec.create().name("vip4j");
        List<String> footer = new ArrayList<>(List.of("",
                "Precedence: flags > VIP_* environment > --config file > defaults.",
                "Exit codes: 0 stopped normally, 2 bad configuration, 1 runtime failure.", "",
                "Coming from vip-manager: its YAML files and VIP_* variables work unchanged, and so do its flag "
                        + "names:"));
        for (ConfigKey key : ConfigKey.values()) {
            if (!key.oldNames().isEmpty()) {
                footer.add("  " + String.join(", ", key.oldNames().stream().map(n -> "--" + n).toList())
                        + " = --" + key.canonical());
            }
        }
        spec.usageMessage()
                .abbreviateSynopsis(true) // "[OPTIONS] [COMMAND]": the option list below is the synopsis
                .description("Keeps a virtual IP on the node that the DCS names as leader (Patroni, any leader "
                        + "election). A drop-in for vip-manager: its YAML files, VIP_* environment and flags work.")
                .footer(footer.toArray(String[]::new));
        spec.addPositional(PositionalParamSpec.builder().paramLabel("COMMAND").arity("0..1").type(String.class)
                .description("run (default): follow the key and hold the VIP while this node leads;",
                        "check: validate the configuration, print it with sources, and exit 0 or 2;",
                        "completion: print a bash completion script for vip4j")
                .build());
        spec.addOption(OptionSpec.builder("--config", "-c").paramLabel("FILE").type(String.class)
                .description("vip-manager YAML file (also VIP_CONFIG)").build());
        spec.addOption(OptionSpec.builder("--keep-on-stop").arity("0").type(boolean.class)
                .description("leave the VIP on the interface at SIGTERM/SIGINT (vip-manager's old behaviour)").build());
        spec.addOption(OptionSpec.builder("--status-address").paramLabel("HOST:PORT").type(String.class)
                .description("serve /health, /state and /metrics over HTTP here (off by default)").build());
        spec.addOption(OptionSpec.builder("--nice").paramLabel("N").type(Integer.class)
                .description("run the VIP threads at nice N, -20..19 (default " + DEFAULT_NICE + "; needs "
                        + "CAP_SYS_NICE; kept if the service already starts at a higher priority)").build());
        spec.addOption(OptionSpec.builder("--help", "-h").arity("0").type(boolean.class).usageHelp(true)
                .description("show this help").build());
        spec.addOption(OptionSpec.builder("--version", "-V").arity("0").type(boolean.class).versionHelp(true)
                .description("print the version").build());
        for (ConfigKey key : ConfigKey.values()) {
            spec.addOption(keyOption(key, List.of("--" + key.canonical()), false));
            if (!key.oldNames().isEmpty()) {
                // accepted, not shown: the help lists them once, in the footer
                spec.addOption(keyOption(key, key.oldNames().stream().map(n -> "--" + n).toList(), true));
            }
        }
        CommandLine cl = new CommandLine(spec);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** The bash completion script of {@code vip4j completion} and of the Debian package. */
    static String bashCompletion(CommandLine cl) {
        // bash-completion sources the file; picocli's #! line would suggest it runs
        return AutoComplete.bash("vip4j", cl).replaceFirst("\\A#![^\n]*\n", "");
    }

    private static OptionSpec keyOption(ConfigKey key, List<String> names, boolean hidden) {
        OptionSpec.Builder b = OptionSpec.builder(names.toArray(String[]::new)).type(String.class)
                .paramLabel(key.isSecret() ? "SECRET" : "VALUE").hidden(hidden)
                .description(key.allowed() + " (" + key.envName() + ")");
        if (key.kind() == ConfigKey.Kind.BOOLEAN) {
            b.arity("0..1").fallbackValue("true");
        }
        return b.build();
    }

    /** Parses, or throws {@link CommandLine.ParameterException} with picocli's message. */
    static Parsed parse(CommandLine cl, String... args) {
        ParseResult r = cl.parseArgs(args);
        String command = r.hasMatchedPositional(0) ? r.matchedPositionalValue(0, "run") : "run";
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.values()) {
            List<OptionSpec> matched = new ArrayList<>();
            for (String name : names(key)) {
                OptionSpec o = r.matchedOption("--" + name);
                if (o != null && !matched.contains(o)) {
                    matched.add(o);
                }
            }
            if (matched.size() > 1) {
                // one option before old names were hidden; picocli then refused the second value, so do we
                throw new CommandLine.ParameterException(r.commandSpec().commandLine(), "--" + key.canonical()
                        + " is given twice, as " + matched.stream().map(OptionSpec::longestName).toList()
                        + "; allowed: one of them");
            }
            if (!matched.isEmpty()) {
                // the spelling the user typed matters for old-name warnings
                keys.put(typedName(r, key), matched.get(0).getValue() == null ? "" : matched.get(0).getValue());
            }
        }
        return new Parsed(command, r.matchedOptionValue("--config", null), r.hasMatchedOption("--keep-on-stop"),
                r.matchedOptionValue("--status-address", null), nice(r), keys, r.isUsageHelpRequested(),
                r.isVersionHelpRequested());
    }

    private static int nice(ParseResult r) {
        Integer nice = r.matchedOptionValue("--nice", DEFAULT_NICE);
        if (nice < -20 || nice > 19) {
            throw new CommandLine.ParameterException(r.commandSpec().commandLine(), "--nice: " + nice
                    + " is not allowed; allowed: an integer from -20 (highest priority) to 19 (lowest)");
        }
        return nice;
    }

    private static List<String> names(ConfigKey key) {
        List<String> names = new ArrayList<>(List.of(key.canonical()));
        names.addAll(key.oldNames());
        return names;
    }

    private static String typedName(ParseResult r, ConfigKey key) {
        for (String arg : r.originalArgs()) {
            String bare = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : null;
            if (bare != null && names(key).contains(bare)) {
                return bare;
            }
        }
        return key.canonical();
    }
}
