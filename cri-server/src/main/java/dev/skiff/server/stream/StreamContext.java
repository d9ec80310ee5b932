package dev.skiff.server.stream;

import dev.skiff.runtime.stream.StreamBackend;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * What every connection of the streaming server shares. {@code streamCreationTimeout} bounds
 * how long a SPDY client may take to open its streams (30 s upstream).
 */
record StreamContext(StreamTokens tokens, StreamBackend backend, Executor io, Duration streamCreationTimeout) {}
