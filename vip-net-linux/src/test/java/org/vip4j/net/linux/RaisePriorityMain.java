package org.vip4j.net.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Raises the main thread (or, with {@code process}, every thread) to nice {@code args[0]} and prints the outcome or
 * why it was refused; {@link ThreadPriorityTest} runs it in JVMs of its own.
 */
public final class RaisePriorityMain {

    private RaisePriorityMain() {
    }

    public static void main(String[] args) throws Exception {
        int nice = Integer.parseInt(args[0]);
        if (args.length > 1 && args[1].equals("process")) {
            Optional<String> refused = ThreadPriority.raiseProcess(nice);
            long others = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    String stat = Files.readString(t.resolve("stat"));
                    if (ThreadPriority.niceOf(stat) != nice) {
                        others++;
                        System.out.println("not raised: " + stat.substring(0, stat.lastIndexOf(')') + 1));
                    }
                }
            }
            System.out.println(refused.orElse("threads not at nice " + nice + ": " + others));
            return;
        }
        System.out.println(ThreadPriority.raiseCallingThread(nice).orElse("nice " + ThreadPriority.current()));
    }
}
