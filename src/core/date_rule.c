/* date_rule: the date rules and their codes (date_rule.h). */
#include "core/date_rule.h"

#include "core/date.h"

const char *date_rule_when(long day, long today, enum date_when when)
{
	if (day == DATE_UNKNOWN)
		return NULL;
	if (when == DATE_PAST && day > today)
		return DATE_IN_FUTURE;
	if (when == DATE_PLANNED && day > today + DATE_PLANNED_DAYS)
		return DATE_TOO_FAR_AHEAD;
	return NULL;
}

bool date_rule_check_when(struct verrors *e, const char *prefix, const char *key, long day,
			  long today, enum date_when when)
{
	const char *code = date_rule_when(day, today, when);
	if (code)
		verrors_addf(e, prefix, key, code);
	return !code;
}

bool date_rule_check_order(struct verrors *e, const char *field, long day, long floor)
{
	if (day == DATE_UNKNOWN || floor == DATE_UNKNOWN || day >= floor)
		return true;
	verrors_add(e, field, DATE_ORDER);
	return false;
}

long date_rule_day(const char *text)
{
	int y, m, d;
	return text && date_parse(text, &y, &m, &d) ? date_days(y, m, d) : DATE_UNKNOWN;
}

bool date_rule_check_order_text(struct verrors *e, const char *field, const char *day,
				const char *floor)
{
	return date_rule_check_order(e, field, date_rule_day(day), date_rule_day(floor));
}
