package org.vip4j.net.linux;

/**
 * Raises the main thread to nice {@code args[0]} and prints {@code nice N} or why it was refused;
 * {@link ThreadPriorityTest} runs it in a JVM without CAP_SYS_NICE.
 */
public final class RaisePriorityMain {

    private RaisePriorityMain() {
    }

    public static void main(String[] args) {
        System.out.println(ThreadPriority.raiseCallingThread(Integer.parseInt(args[0]))
                .orElse("nice " + ThreadPriority.current()));
    }
}
