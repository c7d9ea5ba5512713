/*
 * privacy: what a role may see of a person's identity, through one family of functions
 * that every output channel passes through (JSON answers, pages, worklists and their
 * CSV/XLSX exports, search results, the BagIt bag, the dossier and label PDFs, audit rows).
 *
 * Those who register people (admin, county, town, community) need the numbers to do so and
 * see them whole. Volunteers, archivists and auditors must not be able to rebuild an ID
 * number from anything they are shown, so for them (privacy_present):
 *  - an ID number shows its first 4 and last 2 characters (5206************1X): the birth
 *    date (characters 7-14) and the sequence are hidden, and so is the county code after
 *    the province and prefecture;
 *  - a birth date is never shown: a person's record keeps its age, anything else gets the
 *    birth year; the date of a "birth" membership event is cut to its year;
 *  - a phone number shows its last 4 digits (*******8000);
 *  - ID numbers and mobile numbers written inside free text (notes, titles, file names)
 *    are masked the same way.
 * Gender stays: it is the parity of the 17th character, which the mask hides anyway.
 * An auditor may still reveal one number on a person's page; that reveal is audited.
 */
#ifndef ANJU_DOMAIN_PRIVACY_H
#define ANJU_DOMAIN_PRIVACY_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/actor.h"

#define PRIVACY_MASK_MAX 24	/* bytes for a masked ID or phone number, with the NUL */

/* True when the role sees whole ID numbers, phones and birth dates. */
bool privacy_full_identity(enum role r);
/* "5206************1X": the first 4 and last 2 characters; shorter than 8, all hidden. */
void privacy_mask_id(const char *id, char out[PRIVACY_MASK_MAX]);
/* "*******8000": the last 4 characters; shorter than 8, all hidden. */
void privacy_mask_phone(const char *phone, char out[PRIVACY_MASK_MAX]);
/* Masks, in place, every number standing on its own inside free text that has one of these
 * shapes: an ID number (18 characters, or the old 15 digits; keeps 4 and 2), a mobile number
 * (11 digits from 1, also after 86 or 0086; keeps the prefix and the last 4) and a birth date
 * written as one run of 8 digits (19xx/20xx, month 01-12, day 01-31; keeps the year).
 * Full-width digits count as digits, and a single space, '-', '.', '/' or full-width space
 * between digit groups joins them into one number ("138 1234 5678"); a longer shape wins
 * over a shorter one. A masked number is rewritten as ASCII without its separators, so s
 * may get SHORTER (never longer). Numbers glued to a letter or digit (hashes, 16-digit
 * household numbers) and dates with separators (2019-05-01) stay. Applying it twice
 * changes nothing more. Returns true when it changed s. */
bool privacy_scrub_text(char *s);
/* THE mask: rewrites v in place (any JSON: object, array, string) as role r may see it, as
 * described above; nothing for roles with full identity. Applying it twice changes
 * nothing more. */
void privacy_present(enum role r, json_t *v);
/* True when role r may not open the files of an item of doc_type: pictures of ID cards and
 * household registers (id_copies, hukou_transfer) carry every digit the masks hide, so
 * roles without full identity see that such an item exists, never its pictures. */
bool privacy_withholds_doc_type(enum role r, const char *doc_type);
/* For a value that the caller knows to be a birth date under some other key (a worklist
 * detail): cut o[key] to its year for roles without full identity. */
void privacy_present_birth_date(enum role r, json_t *o, const char *key);

#endif
