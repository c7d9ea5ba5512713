/*
 * probe: how often a user may look a whole number up and find nothing. A role that sees
 * ID numbers masked may still search by a whole number (it has the person's card in hand),
 * and anyone may ask for break-the-glass access by a member's ID number; but each answer
 * says whether that number is registered, so guessing the hidden digits of a masked number
 * (about 3,300 candidates once the age is known) would confirm it in seconds. Lookups that
 * find nothing are counted per user: past PROBE_MAX_MISSES in PROBE_WINDOW seconds the user
 * is refused (429) until the window has passed. Hits are free; every lookup is audited.
 *
 * Counters live in memory: the users are logged in and every lookup is in the audit log,
 * so a restart that forgets them costs an attacker a restart, and the log shows it. The
 * table holds one slot per user (PROBE_SLOTS); when every slot is live, lookups are
 * refused rather than an old counter evicted.
 */
#ifndef ANJU_DOMAIN_PROBE_H
#define ANJU_DOMAIN_PROBE_H
#include <stdbool.h>
#include <stdint.h>

#define PROBE_MAX_MISSES 10
#define PROBE_WINDOW 3600
#define PROBE_SLOTS 4096

/* True when user may look a number up now; otherwise *retry_after says in how many
 * seconds (the caller answers 429). */
bool probe_allowed(int64_t user_id, int *retry_after);
/* A lookup by user found nothing: counts one miss. */
void probe_missed(int64_t user_id);
/* Forgets every counter (tests). */
void probe_reset(void);
#endif
