/*
 * rng: the demo generator's seeded randomness and Songtao names, shared by the
 * registry (demo.c) and the follow-up ledgers (demo_followup.c). Header-only: small
 * inline helpers private to the generator.
 */
#ifndef ANJU_DEMO_RNG_H
#define ANJU_DEMO_RNG_H

#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------- randomness */

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)	/* splitmix64 */
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static inline int rng_range(struct rng *r, int lo, int hi)	/* inclusive */
{
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static inline int rng_pct(struct rng *r, int pct)
{
	return rng_range(r, 1, 100) <= pct;
}

/* Picks an index from cumulative-free weights. */
static inline int rng_weighted(struct rng *r, const int *weights, int n)
{
	int total = 0;
	for (int i = 0; i < n; i++)
		total += weights[i];
	int x = rng_range(r, 1, total);
	for (int i = 0; i < n; i++) {
		if (x <= weights[i])
			return i;
		x -= weights[i];
	}
	return n - 1;
}

/* ---------------------------------------------------------------- names */

/* Common surnames of Songtao (Miao 龙 吴 石 麻 杨 田 滕 first), weighted. */
static const char *const surnames[] = {
	"龙", "吴", "杨", "石", "麻", "田", "滕", "张", "王", "李", "刘", "陈", "罗", "彭",
	"黄", "唐", "蒋", "代", "欧", "冉", "姚", "谭", "向", "舒", "胡", "周", "赵", "邓",
};
static const int surname_weights[] = {
	14, 13, 11, 10, 7, 7, 5, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
static const char *const male_chars[] = {
	"伟", "军", "勇", "明", "华", "平", "强", "志", "国", "建", "文", "海", "林", "成", "松",
	"波", "刚", "超", "斌", "飞", "云", "金", "德", "福", "贵", "发", "生", "忠", "元", "光",
};
static const char *const female_chars[] = {
	"芳", "英", "秀", "兰", "梅", "霞", "娟", "丽", "艳", "玲", "燕", "红", "花", "琴", "敏",
	"慧", "萍", "珍", "翠", "凤", "春", "菊", "香", "银", "莲", "云", "婷", "雪", "静", "月",
};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static inline void rng_name(struct rng *r, const char *surname, int male, char *out, size_t cap)
{
	const char *const *chars = male ? male_chars : female_chars;
	int n = male ? COUNT(male_chars) : COUNT(female_chars);
	if (rng_pct(r, 35))
		snprintf(out, cap, "%s%s", surname, chars[rng_range(r, 0, n - 1)]);
	else
		snprintf(out, cap, "%s%s%s", surname, chars[rng_range(r, 0, n - 1)],
			 chars[rng_range(r, 0, n - 1)]);
}

#endif
