/* log-pipe mode: stdin through the CRI log writer, so tests can check the format alone. */
#ifndef SKIFF_LOGPIPE_H
#define SKIFF_LOGPIPE_H

#include <stddef.h>

int log_pipe_main(const char *log_path, const char *stream, size_t max_line);

#endif
