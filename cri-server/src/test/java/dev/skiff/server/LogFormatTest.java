package dev.skiff.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogFormatTest {
  /** The logback.xml that LogFormat replaces, verbatim. */
  private static final String PREVIOUS_XML = """
      <configuration>
        <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
          <target>System.err</target>
          <encoder>
            <pattern>time=%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level logger=%logger{0} msg="%replace(%msg){'"', '\\\\"'}"%replace( error="%ex{short}"){' error=""', ''}%n%nopex</pattern>
          </encoder>
        </appender>
        <logger name="io.grpc.netty.shaded" level="WARN"/>
        <logger name="io.grpc.netty.shaded.io.netty.bootstrap" level="ERROR"/>
        <root level="INFO">
          <appender-ref ref="STDERR"/>
        </root>
      </configuration>
      """;

  @Test
  void writesWhatThePreviousXmlWrote() throws Exception {
    String expected = withoutTimes(logSamples(context -> {
      JoranConfigurator joran = new JoranConfigurator();
      joran.setContext(context);
      joran.doConfigure(new ByteArrayInputStream(PREVIOUS_XML.getBytes(StandardCharsets.UTF_8)));
    }));
    String actual = withoutTimes(logSamples(LogFormat::install));
    assertEquals(expected, actual);
    assertTrue(actual.contains("level=WARN logger=NettyServer msg=\"shaded warning\""), actual);
    assertTrue(actual.contains("level=INFO logger=CreateContainerRpc msg=\"Created container \\\"web\\\"\"\n"), actual);
    assertTrue(actual.contains("error=\"java.io.IOException: disk full"), actual);
    assertTrue(!actual.contains("DEBUG") && !actual.contains("keepalive"), "levels: " + actual);
  }

  interface Setup {
    void apply(LoggerContext context) throws Exception;
  }

  /** The appender takes System.err when it starts: set it up with stderr captured. */
  private static String logSamples(Setup setup) throws Exception {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    LoggerContext context = new LoggerContext();
    // SLF4J gives its own context an MDC adapter; a context made here needs one too.
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    try {
      setup.apply(context);
      context.getLogger("dev.skiff.server.rpc.container.CreateContainerRpc").info("Created container \"web\"");
      context.getLogger("dev.skiff.server.Daemon").debug("not at info");
      context.getLogger("dev.skiff.server.Daemon").error("Cannot write", new IOException("disk full"));
      context.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap").warn("keepalive");
      context.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServer").warn("shaded warning");
    } finally {
      System.setErr(saved);
      context.stop();
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  private static String withoutTimes(String text) {
    return text.replaceAll("time=\\S+ ", "time=T ");
  }
}
