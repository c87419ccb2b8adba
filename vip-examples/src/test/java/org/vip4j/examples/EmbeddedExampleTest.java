package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example the README points to runs as shown: the VIP follows the key n1 -> n2 -> n3 and is released. */
class EmbeddedExampleTest {

    @Test
    void theVipFollowsTheKeyAndIsReleasedAfterTheDelete() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EmbeddedExample.main(new String[0]); // throws when the VIP does not settle where the key says
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertThat(out).contains("VIP held by n1").contains("VIP held by n2").contains("VIP held by n3")
                .contains("holders: []").contains("demo finished");
    }
}
