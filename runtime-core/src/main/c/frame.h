/*
 * The stdio frame protocol of attach.sock (attach.h) and of exec-stream's stdin/stdout
 * (execstream.h): each frame is a type byte, a 4-byte big-endian payload length, the payload.
 *   client -> shim  HELLO        flags byte: FRAME_HELLO_STDIN   (attach only, first frame)
 *                   STDIN        bytes for the process's stdin
 *                   STDIN_CLOSE  this client's stdin ended
 *                   RESIZE       width, height: 2 bytes big-endian each (ignored without a tty)
 *   shim -> client  READY        flags byte: FRAME_READY_TTY, FRAME_READY_STDIN, FRAME_READY_STDIN_ONCE
 *                   STDOUT, STDERR  output bytes (with a tty everything is STDOUT)
 *                   EXIT         4-byte big-endian exit code (128 + signal when killed)
 *                   ERROR        text: the process could not be started
 * Both sides of this protocol live in runtime-core (dev.skiff.runtime.stream.StdioFrames).
 */
#ifndef SKIFF_FRAME_H
#define SKIFF_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum frame_type {
  FRAME_STDIN = 0,
  FRAME_STDOUT = 1,
  FRAME_STDERR = 2,
  FRAME_EXIT = 3,
  FRAME_RESIZE = 4,
  FRAME_STDIN_CLOSE = 5,
  FRAME_ERROR = 6,
  FRAME_HELLO = 7,
  FRAME_READY = 8,
};

#define FRAME_HELLO_STDIN 0x01
#define FRAME_READY_TTY 0x01
#define FRAME_READY_STDIN 0x02
#define FRAME_READY_STDIN_ONCE 0x04

#define FRAME_HEADER 5
#define FRAME_MAX_PAYLOAD 65536

struct frame {
  enum frame_type type;
  const unsigned char *payload;
  size_t len;
};

/* Incoming frames of one connection, read as they arrive. */
struct frame_reader {
  unsigned char buf[FRAME_HEADER + FRAME_MAX_PAYLOAD];
  size_t start; /* first byte not yet returned as a frame */
  size_t len;
};

void frame_header(unsigned char *out, enum frame_type type, size_t len);
/* One read(2) into the reader: 1 = read something (or EINTR/EAGAIN), 0 = end of file, -1 = error. */
int frame_fill(struct frame_reader *r, int fd);
/* The next complete frame: 1 = *f set (valid until the next fill), 0 = none yet, -1 = too long. */
int frame_next(struct frame_reader *r, struct frame *f);
/* Blocking write of one frame. */
int frame_write(int fd, enum frame_type type, const void *payload, size_t len);
void frame_put_u32(unsigned char *out, uint32_t v);

#endif
