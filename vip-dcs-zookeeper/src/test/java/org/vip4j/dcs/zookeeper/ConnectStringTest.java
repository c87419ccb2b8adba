package org.vip4j.dcs.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vip4j.internal.ConfigParsing;

/** dcs-endpoints as the core hands them over (bare host:port made http://), turned into a connect string. */
class ConnectStringTest {

    private static List<URI> endpoints(String text) {
        return ConfigParsing.endpoints(text);
    }

    @Test
    void hostsPortsAndOneChrootAfterTheLastHost() {
        assertThat(ConnectString.of(endpoints("198.51.100.10:2181,198.51.100.11:2182/pg")).value())
                .isEqualTo("198.51.100.10:2181,198.51.100.11:2182/pg");
        assertThat(ConnectString.of(endpoints("zk1,zk2")).value()).as("port 2181 by default")
                .isEqualTo("zk1:2181,zk2:2181");
        assertThat(ConnectString.of(endpoints("[2001:db8::10]:2181")).value()).isEqualTo("[2001:db8::10]:2181");
        assertThat(ConnectString.of(endpoints("198.51.100.10:2181/")).chroot()).as("a lone '/' is no chroot")
                .isEmpty();
    }

    @Test
    void everyProblemAtOnceNamingTheKeyAndWhatIsAllowed() {
        List<String> problems = ConnectString.problems(endpoints("https://zk1:2181,zk2:2181/a,user:pw@zk3:2181/b/"));
        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).startsWith("dcs-endpoints=https://zk1:2181,zk2:2181/a,*****@zk3:2181/b/: "
                + "'https://zk1:2181' asks for TLS").contains("allowed: host:port[,host:port...][/chroot]");
        assertThat(problems.get(1)).contains("'zk2:2181/a' has a chroot (/a) before another host");
        assertThat(problems.get(2)).contains("'*****@zk3:2181/b/' carries credentials");
        assertThat(problems.get(3)).contains("invalid chroot /b/: it ends with '/'");
        assertThatThrownBy(() -> ConnectString.of(endpoints("zk1/a/../b"))).isInstanceOf(
                IllegalArgumentException.class).hasMessageContaining("relative parts");
    }
}
