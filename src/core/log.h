/* log: one-line messages to standard error with a timestamp and level. */
#ifndef ANJU_LOG_H
#define ANJU_LOG_H
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Silences info messages (tests, CLI commands whose output is data). */
void log_quiet(int quiet);
#endif
