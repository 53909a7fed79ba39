package dev.likeness.local.kafka;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The broker's SLF4J provider: Kafka's internals print warnings and errors on stdout, and nothing
 * else unless {@code -Dlikeness.kafka.log-level=INFO} (or DEBUG, TRACE) asks for more.
 *
 * <p>It is not registered as a service, so it never takes over SLF4J in other programs;
 * {@link #install()} selects it in the broker's JVM. That makes the broker's output the same whatever
 * else is on the classpath it was started with (a Quarkus test's classpath has its own provider).
 */
public final class BrokerLogging implements SLF4JServiceProvider {

    static final String LEVEL_PROPERTY = "likeness.kafka.log-level";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final Level threshold =
            Level.valueOf(System.getProperty(LEVEL_PROPERTY, "WARN").toUpperCase(Locale.ROOT));
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markerFactory = new BasicMarkerFactory();
    private final MDCAdapter mdcAdapter = new NOPMDCAdapter();

    /** Must run before anything in this JVM logs through SLF4J. */
    static void install() {
        System.setProperty("slf4j.provider", BrokerLogging.class.getName());
        // Otherwise SLF4J announces the explicitly chosen provider on stderr.
        System.setProperty("slf4j.internal.verbosity", "WARN");
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return name -> loggers.computeIfAbsent(name, loggerName -> new StdoutLogger(loggerName, threshold));
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to set up: loggers are created on demand.
    }

    private static final class StdoutLogger extends LegacyAbstractLogger {

        private final String shortName;
        private final Level threshold;

        StdoutLogger(String name, Level threshold) {
            this.name = name;
            this.shortName = name.substring(name.lastIndexOf('.') + 1);
            this.threshold = threshold;
        }

        private boolean enabled(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
            String line = TIME.format(LocalTime.now()) + " " + String.format("%-5s", level) + " [" + shortName + "] "
                    + MessageFormatter.basicArrayFormat(pattern, arguments);
            synchronized (System.out) {
                System.out.println(line);
                if (throwable != null) {
                    throwable.printStackTrace(System.out);
                }
            }
        }
    }
}
