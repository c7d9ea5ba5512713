/* import_column: the columns an import reads and how it compares what people typed. */
#include "domain/import_column.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/guarantees.h"
#include "domain/household.h"
#include "domain/jobs.h"
#include "domain/person.h"
#include "domain/trainings.h"

static const char *const open_statuses[] = {"planned", "relocated", "settled", NULL};


const struct import_column import_column_defs[NF] = {
	[F_NUMBER] = {"number", {"户编号", "户号", "家庭编号", "搬迁户编号", "household number",
		"number"}, 't', false, false, NULL, NULL, ""},
	[F_HEAD_ID] = {"head_id_number", {"户主身份证号", "户主身份证号码", "户主公民身份号码",
		"head id number"}, 'i', false, false, NULL, NULL, ""},
	[F_CATEGORY] = {"category", {"搬迁类型", "搬迁户类型", "户类型", "户类别", "类别",
		"category"}, 'o', false, false, household_categories, "category_", "建档立卡贫困户"},
	[F_STATUS] = {"status", {"搬迁状态", "状态", "status"}, 'o', false, false, open_statuses,
		"status_", "已入住"},
	[F_ORIGIN_TOWN] = {"origin_town", {"迁出乡镇", "原居住乡镇", "乡镇", "乡镇（街道）",
		"origin town"}, 'w', false, false, NULL, NULL, "木树镇"},
	[F_ORIGIN_VILLAGE] = {"origin_village", {"迁出村", "原居住村", "迁出地", "迁出村（居）",
		"行政村", "村", "origin village"}, 'v', false, false, NULL, NULL, "潮水村"},
	[F_DEST] = {"dest_community", {"安置社区", "安置点", "安置地点", "安置区", "社区",
		"destination community", "dest community"}, 'c', false, false, NULL, NULL, "团山社区"},
	[F_DATE] = {"relocation_date", {"搬迁日期", "搬迁时间", "入住日期", "入住时间",
		"relocation date"}, 'd', false, false, NULL, NULL, "2019-05-01"},
	[F_HPHONE] = {"phone", {"户联系电话", "户主电话", "家庭电话", "household phone"}, 't',
		false, false, NULL, NULL, ""},
	[F_NOTE] = {"note", {"备注", "note"}, 't', false, false, NULL, NULL, ""},
	[F_ID] = {"id_number", {"身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证",
		"id number"}, 'i', true, true, NULL, NULL, "520628199001011230"},
	[F_NAME] = {"name", {"姓名", "成员姓名", "家庭成员姓名", "name", "户主姓名"}, 't', true,
		true, NULL, NULL, "张三"},
	[F_GENDER] = {"gender", {"性别", "gender", "sex"}, 'o', true, false, person_genders,
		"gender_", "男"},
	[F_BIRTH] = {"birth_date", {"出生日期", "出生年月日", "出生年月", "birth date"}, 'd',
		true, false, NULL, NULL, "1990-01-01"},
	[F_RELATION] = {"relation", {"与户主关系", "与户主的关系", "家庭关系", "关系",
		"relation"}, 'o', true, true, person_relations, "relation_", "户主"},
	[F_ETHNICITY] = {"ethnicity", {"民族", "ethnicity"}, 'o', true, false, person_ethnicities,
		"ethnicity_", "苗族"},
	[F_EDUCATION] = {"education", {"文化程度", "学历", "education"}, 'o', true, false,
		person_educations, "education_", "初中"},
	[F_HEALTH] = {"health", {"健康状况", "健康状态", "health"}, 'o', true, false,
		person_healths, "health_", "健康"},
	[F_LABOR] = {"labor_capacity", {"劳动能力", "劳动力状况", "labor capacity"}, 'o', true,
		false, person_labor_capacities, "labor_", "普通劳动力"},
	[F_PHONE] = {"phone", {"联系电话", "电话", "手机号码", "手机", "联系方式", "phone"}, 't',
		true, false, NULL, NULL, "13800000000"},
};

/* Words people use besides the catalogue's, per option list. */
struct synonym {
	const char *word, *code;
};
static const struct synonym synonyms[] = {
	{"本人", "head"}, {"户主本人", "head"}, {"妻", "spouse"}, {"妻子", "spouse"},
	{"丈夫", "spouse"}, {"夫", "spouse"}, {"儿子", "son"}, {"长子", "son"}, {"次子", "son"},
	{"三子", "son"}, {"四子", "son"}, {"女儿", "daughter"}, {"长女", "daughter"},
	{"次女", "daughter"}, {"三女", "daughter"}, {"四女", "daughter"},
	{"儿媳妇", "daughter_in_law"}, {"媳妇", "daughter_in_law"}, {"孙", "grandson"},
	{"外孙子", "grandson"}, {"外孙", "grandson"}, {"外孙女", "granddaughter"},
	{"父亲", "parent"}, {"母亲", "parent"}, {"父", "parent"}, {"母", "parent"},
	{"公公", "parent"}, {"婆婆", "parent"}, {"岳父", "parent"}, {"岳母", "parent"},
	{"兄", "sibling"}, {"弟", "sibling"}, {"姐", "sibling"}, {"妹", "sibling"},
	{"哥哥", "sibling"}, {"弟弟", "sibling"}, {"姐姐", "sibling"}, {"妹妹", "sibling"},
	{"兄弟", "sibling"}, {"姐妹", "sibling"}, {"其它", "other"},
	{"男性", "male"}, {"女性", "female"},
	{"建档立卡户", "registered_poor"}, {"建档立卡", "registered_poor"},
	{"贫困户", "registered_poor"}, {"同步搬迁", "synchronous"},
	{"文盲", "none"}, {"半文盲", "none"}, {"未上学", "none"}, {"学龄前", "preschool"},
	{"中专", "vocational"}, {"职高", "vocational"}, {"技校", "vocational"},
	{"中职", "vocational"}, {"大专", "college"}, {"本科", "college"}, {"大学", "college"},
	{"研究生", "college"}, {"慢性病", "chronic"}, {"大病", "serious_illness"},
	{"重病", "serious_illness"}, {"半劳动力", "weak"}, {"丧失", "lost"},
	{"其他", "other"},
};

/* Header or value as compared: no spaces (ASCII, no-break, ideographic), no marks of a
 * required column (* ＊), ASCII lower-cased; for headers also no bracketed note ("(必填)"). */
void import_column_squeeze(const char *in, char *out, size_t cap, bool header)
{
	size_t n = 0;
	int depth = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && n + 4 < cap;) {
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '*' ||
		    (header && *p == '\'')) {
			p++;
			continue;
		}
		if (p[0] == 0xC2 && p[1] == 0xA0) {	/* no-break space */
			p += 2;
			continue;
		}
		if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {	/* ideographic space */
			p += 3;
			continue;
		}
		if (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8A) {	/* ＊ */
			p += 3;
			continue;
		}
		if (header && (*p == '(' || (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x88))) {
			depth++;
			p += *p == '(' ? 1 : 3;
			continue;
		}
		if (header && depth && (*p == ')' || (p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x89))) {
			depth--;
			p += *p == ')' ? 1 : 3;
			continue;
		}
		if (depth) {
			p++;
			continue;
		}
		out[n++] = (char)(*p < 0x80 ? tolower(*p) : *p);
		p++;
	}
	out[n] = 0;
}

/* The field a header names and how strongly (lower is stronger); -1 when none. */
int import_column_of_header(const char *text, int *rank)
{
	char h[256], w[256];
	import_column_squeeze(text, h, sizeof(h), true);
	if (!*h)
		return -1;
	for (int f = 0; f < NF; f++)
		for (int k = 0; k < 12 && import_column_defs[f].words[k]; k++) {
			import_column_squeeze(import_column_defs[f].words[k], w, sizeof(w), true);
			if (strcmp(h, w) == 0) {
				*rank = k;
				return f;
			}
		}
	return -1;
}


const char *import_column_option(const struct import_column *c, const char *value)
{
	char v[128], w[128];
	import_column_squeeze(value, v, sizeof(v), false);
	for (int i = 0; c->options[i]; i++) {
		if (strcmp(v, c->options[i]) == 0)
			return c->options[i];
		char key[64];
		snprintf(key, sizeof(key), "%s%s", c->prefix, c->options[i]);
		for (int l = 0; l < LANG_COUNT; l++) {
			import_column_squeeze(msg_get((enum lang)l, key), w, sizeof(w), false);
			if (strcmp(v, w) == 0)
				return c->options[i];
		}
		/* 苗 for 苗族, 汉 for 汉族 */
		if (strcmp(c->prefix, "ethnicity_") == 0) {
			char with[140];
			snprintf(with, sizeof(with), "%s族", v);
			import_column_squeeze(msg_get(LANG_ZH, key), w, sizeof(w), false);
			if (strcmp(with, w) == 0)
				return c->options[i];
		}
	}
	for (size_t k = 0; k < sizeof(synonyms) / sizeof(synonyms[0]); k++)
		if (strcmp(v, synonyms[k].word) == 0)
			for (int i = 0; c->options[i]; i++)
				if (strcmp(c->options[i], synonyms[k].code) == 0)
					return c->options[i];
	if (strcmp(c->prefix, "ethnicity_") == 0 && strlen(v) > 3 && strstr(v, "族"))
		return "other";
	return NULL;
}

/* Excel's day numbers to YYYY-MM-DD: the 1900 system (with its 29 February 1900), or the
 * 1904 one, whose day 0 is 1904-01-01. */
static bool serial_date(double serial, bool from1904, char out[11])
{
	if (serial < (from1904 ? 0 : 1) || serial >= 2958466)
		return false;
	long s = (long)serial;
	date_format(from1904 ? s - 24107 : s >= 61 ? s - 25569 : s - 25568, out);
	return true;
}

bool import_column_date(const struct rowread_cell *c, bool from1904, char out[11])
{
	const char *t = c->text;
	char *end;
	if (c->kind == ROWREAD_DATE || c->kind == ROWREAD_NUMBER) {
		double d = strtod(t, &end);
		if (*end)
			return false;
		if (d >= 10000000 && d <= 99991231 && d == (long)d) {	/* 20190501 typed */
			long v = (long)d;
			int y = (int)(v / 10000), m = (int)(v / 100 % 100), dd = (int)(v % 100);
			if (!date_valid(y, m, dd))
				return false;
			date_format(date_days(y, m, dd), out);
			return true;
		}
		return serial_date(d, from1904, out);
	}
	char v[64];
	import_column_squeeze(t, v, sizeof(v), false);
	size_t n = strlen(v);
	if (n == 8 && strspn(v, "0123456789") == 8) {
		int y, m, d;
		if (sscanf(v, "%4d%2d%2d", &y, &m, &d) != 3 || !date_valid(y, m, d))
			return false;
		date_format(date_days(y, m, d), out);
		return true;
	}
	if (n == 5 && strspn(v, "0123456789") == 5)
		return serial_date(atof(v), false, out);
	/* three numbers apart: 2019-05-01, 2019/5/1, 2019.5.1, 2019年5月1日 (a time after it
	 * ignored: the squeeze joined "2019-05-01 00:00:00" into "2019-05-0100:00:00") */
	int part[3], np = 0;
	const char *p = t;
	while (*p && np < 3) {
		while (*p && !isdigit((unsigned char)*p))
			p++;
		if (!*p)
			break;
		long x = strtol(p, &end, 10);
		if (end - p > 4)
			return false;
		part[np++] = (int)x;
		p = end;
		if (np == 3)
			break;
		/* the separator must be one of - / . 年 月 */
		if (!(*p == '-' || *p == '/' || *p == '.' || strncmp(p, "年", 3) == 0 ||
		      strncmp(p, "月", 3) == 0))
			return false;
	}
	if (np != 3 || part[0] < 1800 || !date_valid(part[0], part[1], part[2]))
		return false;
	date_format(date_days(part[0], part[1], part[2]), out);
	return true;
}

/* A households column's name in lang: its header in Chinese, its English words in English. */
const char *import_column_label(int f, enum lang lang)
{
	for (int k = 0; lang != LANG_ZH && k < 12 && import_column_defs[f].words[k]; k++)
		if (((unsigned char)import_column_defs[f].words[k][0]) < 0x80)
			return import_column_defs[f].words[k];
	return import_column_defs[f].words[0];
}

const char *import_column_key(const struct ledger *l, int i)
{
	if (l)
		return i == 0 ? "id_number" : i == 1 ? "name" : l->fields[i - 2].name;
	return i == F_HPHONE ? "household_phone" : import_column_defs[i].field;
}

int import_column_count(const struct ledger *l)
{
	int n = 2;
	if (!l)
		return NF;
	while (n - 2 < IMPORT_LEDGER_FIELDS && l->fields[n - 2].name)
		n++;
	return n;
}

/* The person ledgers an import fills, by kind. */
const struct ledger *import_column_ledger(const char *kind)
{
	static const struct {
		const char *kind;
		const struct ledger *l;
	} kinds[] = {{"jobs", &jobs_ledger}, {"trainings", &trainings_ledger},
		     {"guarantees", &guarantees_ledger}};
	for (size_t i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i].kind) == 0)
			return kinds[i].l;
	return NULL;
}
