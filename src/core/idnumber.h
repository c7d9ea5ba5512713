/*
 * idnumber: PRC resident identity numbers (GB 11643-1999).
 *
 * 18 characters: 6-digit division code, birth date YYYYMMDD, 3-digit sequence (odd = male),
 * ISO 7064 MOD 11-2 check character. 15-digit numbers issued before 1999 are upgraded to
 * 18 digits ("19" is inserted before the year, a check character appended).
 */
#ifndef ANJU_IDNUMBER_H
#define ANJU_IDNUMBER_H

enum idnumber_error {
	IDNUMBER_OK = 0,
	IDNUMBER_LENGTH,	/* neither 15 nor 18 characters */
	IDNUMBER_CHARACTER,	/* a non-digit where a digit must be */
	IDNUMBER_REGION,	/* the first digits name no province */
	IDNUMBER_DATE,		/* the birth date is impossible or in the future */
	IDNUMBER_CHECK,		/* the check character does not match */
};

struct idnumber {
	char number[19];	/* normalised 18-character form, upper-case X */
	char birth_date[11];	/* YYYY-MM-DD */
	int male;		/* 1 male, 0 female */
	int upgraded;		/* 1 when the input was a 15-digit number */
};

/* The check character for the first 17 digits. */
char idnumber_check_char(const char *first17);
/* Validates and normalises `in`; fills `out` on success. `today` is a day number (date.h). */
enum idnumber_error idnumber_parse(const char *in, long today, struct idnumber *out);
/* A stable key naming the error, for messages ("id_number_check", ...). */
const char *idnumber_error_key(enum idnumber_error e);
#endif
