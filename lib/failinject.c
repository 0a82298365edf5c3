/* Injected failures: the rules, the counts and the decision (see
 * failinject.h). */
#include "lib/failinject.h"

#include "lib/abi/errcode.h"
#include "lib/kprintf.h"
#include "lib/string.h"

enum rule { RULE_NONE, RULE_NTH, RULE_CHANCE };

/* One injection point: its name on the command line, its rule, and its
 * counts (atomic: every CPU allocates). */
struct point {
	const char *name;
	enum rule rule;
	uint64_t nth;	   /* RULE_NTH: the call that fails, from 1 */
	uint64_t seed;	   /* RULE_CHANCE: names the sequence */
	uint64_t num, den; /* RULE_CHANCE: fail num in den calls */
	uint64_t calls;	   /* counted since failinject_arm */
	uint64_t failures; /* injected since failinject_arm */
};

static struct point points[FAILINJECT_NPOINTS] = {
    [FAILINJECT_ALLOC] = {.name = "alloc"},
};

bool failinject_armed;
static bool (*spared_fn)(void);

/* A 64-bit mix of x (splitmix64's finaliser): neighbouring inputs give
 * unrelated outputs, so call k's draw needs no state but k. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Does the rule of p fail call k (counted from 1)? */
static bool rule_fails(const struct point *p, uint64_t k)
{
	if (p->rule == RULE_NTH)
		return k == p->nth;
	if (p->rule == RULE_CHANCE)
		return mix(p->seed ^ mix(k)) % p->den < p->num;
	return false;
}

bool failinject_decide(enum failinject_point pt)
{
	struct point *p = &points[pt];
	uint64_t k;

	if (p->rule == RULE_NONE || (spared_fn && spared_fn()))
		return false;
	k = __atomic_add_fetch(&p->calls, 1, __ATOMIC_RELAXED);
	if (!rule_fails(p, k))
		return false;
	__atomic_add_fetch(&p->failures, 1, __ATOMIC_RELAXED);
	return true;
}

/* Read a decimal number of at least one digit at *s into *v, moving *s
 * past it. False when there is none or it overflows. */
static bool read_number(const char **s, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	if (p == *s)
		return false;
	*s = p;
	return true;
}

/* Does the text at *s start with word? If so, move *s past it. */
static bool take_word(const char **s, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(*s, word, n) != 0)
		return false;
	*s += n;
	return true;
}

/* Which parameters a rule gave. */
struct given {
	bool seed, nth, chance;
};

/* Parse the value of one parameter of a rule ("seed=S", "p=A/B", "nth=N")
 * at *s into p, noting the parameter in *g. False when it is none of them
 * or its value is out of range. */
static bool parse_value(const char **s, struct point *p, struct given *g)
{
	if (take_word(s, "seed=")) {
		g->seed = true;
		return read_number(s, &p->seed);
	}
	if (take_word(s, "nth=")) {
		g->nth = true;
		return read_number(s, &p->nth) && p->nth > 0;
	}
	if (take_word(s, "p=")) {
		g->chance = true;
		return read_number(s, &p->num) && take_word(s, "/") &&
		       read_number(s, &p->den) && p->num > 0 &&
		       p->num <= p->den;
	}
	return false;
}

/* parse_value, leaving *s on failure at the start of the parameter, or of
 * its value once its name is known. */
static bool parse_param(const char **s, struct point *p, struct given *g)
{
	const char *start = *s, *value;
	bool ok = parse_value(s, p, g);

	value = memchr(start, '=', (size_t)(*s - start));
	if (!ok)
		*s = value ? value + 1 : start;
	return ok;
}

/* The point of table named by the text at *s up to ':', moving *s past
 * the ':'; or NULL. */
static struct point *parse_point(const char **s, struct point *table)
{
	for (int i = 0; i < FAILINJECT_NPOINTS; i++) {
		const char *at = *s;

		if (take_word(&at, table[i].name) && take_word(&at, ":")) {
			*s = at;
			return &table[i];
		}
	}
	return NULL;
}

/* Parse one rule, "point:param,param..." up to ';' or the end, into
 * table. False, with *s at the fault, when it is malformed: an unknown
 * point or parameter, a point given twice, neither or both of p and nth,
 * a seed without p. */
static bool parse_rule(const char **s, struct point *table)
{
	const char *start = *s;
	struct point *p = parse_point(s, table);
	struct given g = {0};

	if (!p || p->rule != RULE_NONE) {
		*s = start;
		return false;
	}
	p->seed = 1;
	do {
		if (!parse_param(s, p, &g))
			return false;
	} while (take_word(s, ","));
	if (g.nth == g.chance || (g.seed && !g.chance))
		return false;
	p->rule = g.nth ? RULE_NTH : RULE_CHANCE;
	return **s == ';' || **s == '\0';
}

int failinject_configure(const char *spec, const char **why)
{
	struct point table[FAILINJECT_NPOINTS];
	const char *s = spec;

	memcpy(table, points, sizeof(table));
	for (int i = 0; i < FAILINJECT_NPOINTS; i++)
		table[i].rule = RULE_NONE;
	do {
		if (!parse_rule(&s, table)) {
			*why = s;
			return ERR_INVAL;
		}
	} while (take_word(&s, ";"));
	memcpy(points, table, sizeof(points));
	return ERR_OK;
}

void failinject_arm(bool (*spared)(void))
{
	bool any = false;

	spared_fn = spared;
	for (int i = 0; i < FAILINJECT_NPOINTS; i++)
		any |= points[i].rule != RULE_NONE;
	__atomic_store_n(&failinject_armed, any, __ATOMIC_RELEASE);
}

void failinject_reset(void)
{
	__atomic_store_n(&failinject_armed, false, __ATOMIC_RELEASE);
	spared_fn = NULL;
	for (int i = 0; i < FAILINJECT_NPOINTS; i++)
		points[i] = (struct point){.name = points[i].name};
}

size_t failinject_calls(enum failinject_point pt)
{
	return __atomic_load_n(&points[pt].calls, __ATOMIC_RELAXED);
}

size_t failinject_failures(enum failinject_point pt)
{
	return __atomic_load_n(&points[pt].failures, __ATOMIC_RELAXED);
}

void failinject_report(void)
{
	for (int i = 0; i < FAILINJECT_NPOINTS; i++)
		if (points[i].rule != RULE_NONE)
			kprintf("failinject: %s: %lu calls, %lu failed\n",
				points[i].name,
				(unsigned long)failinject_calls(i),
				(unsigned long)failinject_failures(i));
}
