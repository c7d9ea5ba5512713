/*
 * session_memo: resolved sessions remembered for a moment, so that a request does not need
 * a read transaction of its own to learn who sent it.
 *
 * Looking a session up took a fifth of the server's time on a GET. Sessions change rarely,
 * so a resolved token (by its hash) is kept for SESSION_MEMO_MS. Any change to sessions or
 * accounts made in this process (log-out, password, disabling) forgets every one at once;
 * a change made by another process (`anju user disable`) takes effect within that time.
 * Below session.c and user.c, which both use it, so neither includes the other.
 */
#ifndef ANJU_SESSION_MEMO_H
#define ANJU_SESSION_MEMO_H
#include <stdbool.h>
#include <stdint.h>

#include "domain/actor.h"

#define SESSION_MEMO_MS 1000

/* The generation to pass to session_memo_keep, read before the database lookup: a change
 * that lands during the lookup then makes what it found stale at once. */
unsigned session_memo_generation(void);
/* Remembers the actor of a session (hex hash of its token) that ends at `expires` (Unix
 * seconds); never past that end. The actor's address is not kept: it is the request's. */
void session_memo_keep(const char hash[65], const struct actor *who, int64_t expires,
		       unsigned generation);
/* True, with *who filled, when the session was remembered and nothing has changed since. */
bool session_memo_recall(const char hash[65], struct actor *who);
/* Forgets everything remembered: call after a change to sessions or accounts commits. */
void session_memo_forget_all(void);

#endif
