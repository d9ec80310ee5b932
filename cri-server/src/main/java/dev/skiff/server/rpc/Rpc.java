package dev.skiff.server.rpc;

/** One CRI call: a request in, a response out, or a {@link CriError}. */
@FunctionalInterface
public interface Rpc<Q, R> {
  R call(Q request) throws Exception;
}
