package dev.skiff.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * skiffd's logging, set up in code (found by logback through META-INF/services): one line per
 * event on stderr, as key=value pairs that journald and log shippers split. Parsing the same
 * setup from a logback.xml took about twice as long (~130 ms) at every start. An explicit
 * {@code -Dlogback.configurationFile} or a logback-test.xml on the class path still wins, in
 * logback's own order.
 */
public final class LogFormat extends ContextAwareBase implements Configurator {
  static final String PATTERN = "time=%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} level=%level logger=%logger{0} "
      + "msg=\"%replace(%msg){'\"', '\\\\\"'}\"%replace( error=\"%ex{short}\"){' error=\"\"', ''}%n%nopex";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogFormat.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.NEUTRAL;
    }
    install(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static void install(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    context.getLogger("io.grpc.netty.shaded").setLevel(Level.WARN);
    // gRPC asks for SO_KEEPALIVE, which unix sockets do not have; Netty warns per connection.
    context.getLogger("io.grpc.netty.shaded.io.netty.bootstrap").setLevel(Level.ERROR);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
  }
}
