/* idnumber: GB 11643-1999 validation, normalisation and 15→18 upgrade. */
#include "core/idnumber.h"

#include <stdbool.h>
#include <string.h>

#include "core/date.h"

char idnumber_check_char(const char *first17)
{
	static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char codes[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * weights[i];
	return codes[sum % 11];
}

/* Province-level codes of GB/T 2260, plus 71 (Taiwan) and 81-83 (residence permits). */
static bool province_code(int p)
{
	return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
	       (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) ||
	       p == 71 || (p >= 81 && p <= 83);
}

/* Mainland and permit numbers start with a province code; the 2023 foreign permanent
 * resident number starts with 9 followed by the issuing province's code. */
static bool region_ok(const char *n)
{
	int p = (n[0] - '0') * 10 + (n[1] - '0');
	if (n[0] == '9')
		return province_code((n[1] - '0') * 10 + (n[2] - '0'));
	return province_code(p);
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

enum idnumber_error idnumber_parse(const char *in, long today, struct idnumber *out)
{
	char n[19];
	size_t len = in ? strlen(in) : 0;
	memset(out, 0, sizeof(*out));

	if (len == 15) {
		if (!all_digits(in, 15))
			return IDNUMBER_CHARACTER;
		memcpy(n, in, 6);
		n[6] = '1';
		n[7] = '9';
		memcpy(n + 8, in + 6, 9);
		n[17] = idnumber_check_char(n);
		n[18] = '\0';
		out->upgraded = 1;
	} else if (len == 18) {
		if (!all_digits(in, 17))
			return IDNUMBER_CHARACTER;
		char c = in[17];
		if (c == 'x')
			c = 'X';
		if (!(c == 'X' || (c >= '0' && c <= '9')))
			return IDNUMBER_CHARACTER;
		memcpy(n, in, 17);
		n[17] = c;
		n[18] = '\0';
	} else {
		return IDNUMBER_LENGTH;
	}

	if (!region_ok(n))
		return IDNUMBER_REGION;
	int y = num(n + 6, 4), m = num(n + 10, 2), d = num(n + 12, 2);
	if (!date_valid(y, m, d) || date_days(y, m, d) > today)
		return IDNUMBER_DATE;
	if (!out->upgraded && idnumber_check_char(n) != n[17])
		return IDNUMBER_CHECK;

	memcpy(out->number, n, 19);
	date_format(date_days(y, m, d), out->birth_date);
	out->male = (n[16] - '0') % 2 == 1;
	return IDNUMBER_OK;
}

const char *idnumber_error_key(enum idnumber_error e)
{
	switch (e) {
	case IDNUMBER_OK: return "ok";
	case IDNUMBER_LENGTH: return "id_number_length";
	case IDNUMBER_CHARACTER: return "id_number_character";
	case IDNUMBER_REGION: return "id_number_region";
	case IDNUMBER_DATE: return "id_number_date";
	case IDNUMBER_CHECK: return "id_number_check";
	}
	return "id_number_invalid";
}
