/*
 * date_rule: the one set of rules a date of a record keeps, and the one set of error codes
 * that say which it broke. Every ledger, and every other record with a day something was
 * done, checks its dates here (through ledger_date and the descriptor's `.when`, or
 * directly), so the same mistake is the same code everywhere:
 *
 *   DATE_IN_FUTURE      "date_in_future"      a day something was done lies after today
 *   DATE_TOO_FAR_AHEAD  "date_too_far_ahead"  a planned or agreed day more than a year ahead
 *   DATE_ORDER          "end_before_start"    a date before the date it must follow: an end
 *                                             before its start, a start before the person's
 *                                             birth or before the current record of its
 *                                             kind, a step done before the step before it
 *   DATE_IN_PAST        "date_in_past"        a day still to come (a need's due day, set
 *                                             when the need is raised) lies before today
 *
 * Each code is a message key in the catalogues (web/messages/en.txt, zh-CN.txt). Days are
 * day numbers (core/date.h, negative before 1970); DATE_UNKNOWN is a day not given or not
 * a date, and breaks no rule.
 */
#ifndef ANJU_DATE_RULE_H
#define ANJU_DATE_RULE_H
#include <limits.h>
#include <stdbool.h>

#include "core/verrors.h"

#define DATE_IN_FUTURE "date_in_future"
#define DATE_TOO_FAR_AHEAD "date_too_far_ahead"
#define DATE_ORDER "end_before_start"
#define DATE_IN_PAST "date_in_past"

/* A day not given, or text that is not a date. */
#define DATE_UNKNOWN LONG_MIN

/* How far ahead a planned day may lie. */
#define DATE_PLANNED_DAYS 366

/* When a date may lie. */
enum date_when {
	DATE_ANY,	/* no rule (a due date) */
	DATE_PAST,	/* something done: not after today, else DATE_IN_FUTURE */
	DATE_PLANNED,	/* something agreed or planned: at most a year ahead, else
			 * DATE_TOO_FAR_AHEAD */
};

/* The code `day` breaks under `when` on `today`; NULL when it keeps the rule. */
const char *date_rule_when(long day, long today, enum date_when when);
/* Adds that code (on prefix + key) to e; true when the day keeps the rule. */
bool date_rule_check_when(struct verrors *e, const char *prefix, const char *key, long day,
			  long today, enum date_when when);
/* The day number of a YYYY-MM-DD text; DATE_UNKNOWN for NULL or anything else. */
long date_rule_day(const char *text);
/* Adds DATE_ORDER on `field` when `day` comes before `floor` (the date it must follow); a
 * day or floor unknown (DATE_UNKNOWN) passes. True when the order holds. */
bool date_rule_check_order(struct verrors *e, const char *field, long day, long floor);
/* The same with YYYY-MM-DD texts (NULL or not a date: unknown). */
bool date_rule_check_order_text(struct verrors *e, const char *field, const char *day,
				const char *floor);

#endif
