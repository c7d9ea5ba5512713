/* date: proleptic Gregorian arithmetic (Howard Hinnant's days_from_civil). */
#include "core/date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool date_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1800 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	int max = mdays[m - 1] + (m == 2 && leap(y));
	return d <= max;
}

bool date_parse(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return date_valid(*y, *m, *d);
}

long date_days(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void date_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

long date_today(void)
{
	return (long)((time(NULL) + 8 * 3600) / 86400);
}

void date_format(long days, char out[11])
{
	int y, m, d;
	char tmp[40];
	date_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
		/* the usual case written digit by digit: an import formats a few dates a row */
		int v[3] = {y, m, d}, at = 0;
		for (int k = 0; k < 3; k++) {
			int width = k ? 2 : 4;
			for (int i = width - 1; i >= 0; i--, v[k] /= 10)
				out[at + i] = (char)('0' + v[k] % 10);
			at += width;
			if (k < 2)
				out[at++] = '-';
		}
		out[10] = '\0';
		return;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

int date_age(long birth, long on)
{
	int by, bm, bd, y, m, d;
	date_from_days(birth, &by, &bm, &bd);
	date_from_days(on, &y, &m, &d);
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

void date_stamp(long long t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;
	char zone[8];
	localtime_r(&tt, &tm);
	strftime(zone, sizeof(zone), "%z", &tm);	/* "+0800" */
	size_t n = strftime(out, 32, "%Y-%m-%d %H:%M:%S ", &tm);
	snprintf(out + n, 32 - n, "%.3s:%.2s", zone, zone + 3);
}

long date_years_before(long day, int years)
{
	int y, m, d;
	date_from_days(day, &y, &m, &d);
	y -= years;
	if (m == 2 && d == 29 && !date_valid(y, m, d))
		d = 28;
	return date_days(y, m, d);
}

bool date_parse_instant(const char *s, long long *t)
{
	int y, m, d;
	char date[11];
	if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return false;
	for (int i = 11; i < 19; i++)
		if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9'))
			return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	int hh = (s[11] - '0') * 10 + s[12] - '0', mm = (s[14] - '0') * 10 + s[15] - '0';
	int ss = (s[17] - '0') * 10 + s[18] - '0';
	if (!date_parse(date, &y, &m, &d) || hh > 23 || mm > 59 || ss > 60)
		return false;
	*t = (long long)date_days(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
	return true;
}
