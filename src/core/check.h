/*
 * check: always-on assertions for invariants the code relies on (after Redis's
 * serverAssert). Unlike assert(3) they stay in release builds: a broken invariant in a
 * server holding personal data should stop the process loudly, with file and line in the
 * log, rather than carry on with a wrong header or a truncated answer.
 */
#ifndef ANJU_CHECK_H
#define ANJU_CHECK_H

/* Logs "file:line: check failed: expr" and aborts. */
_Noreturn void check_failed(const char *expr, const char *file, int line);

#define CHECK(e) ((e) ? (void)0 : check_failed(#e, __FILE__, __LINE__))
#endif
