package dev.skiff.server.rpc.stream;

/** The streaming RPCs, handed to the RuntimeService adapter as one group. */
public record StreamRpcs(ExecRpc exec, AttachRpc attach, PortForwardRpc portForward) {}
