/* date: calendar dates as YYYY-MM-DD text and as day numbers (days since 1970-01-01). */
#ifndef ANJU_DATE_H
#define ANJU_DATE_H
#include <stdbool.h>

/* True when y-m-d is a real Gregorian date (year 1800..9999). */
bool date_valid(int y, int m, int d);
/* Parses exactly "YYYY-MM-DD"; returns false on anything else or an impossible date. */
bool date_parse(const char *s, int *y, int *m, int *d);
/* Days since 1970-01-01 (negative before). */
long date_days(int y, int m, int d);
/* The inverse of date_days. */
void date_from_days(long days, int *y, int *m, int *d);
/* Today's date in UTC+8 (China Standard Time), as a day number. */
long date_today(void);
/* Writes "YYYY-MM-DD" (11 bytes with the NUL). */
void date_format(long days, char out[11]);
/* The moment t in the process's time zone (TZ, set from the time_zone setting at start-up),
 * as "YYYY-MM-DD HH:MM:SS +08:00" (at most 32 bytes with the NUL). */
void date_stamp(long long t, char out[32]);
/* Parses an instant written "YYYY-MM-DDTHH:MM:SSZ" (UTC) into seconds since the epoch;
 * false on anything else. */
bool date_parse_instant(const char *s, long long *t);
/* Whole years between birth and the day `on`. */
int date_age(long birth, long on);
/* The day `years` years before `day` (29 February → 28 February). */
long date_years_before(long day, int years);
#endif
