/*
 * The UBSan runtime of a SANITIZE=1 kernel: the handlers that code built
 * with -fsanitize=undefined calls when a check fails, in gcc 12's ABI (the
 * data records below are what gcc emits for each check). Each prints one
 * line, "ubsan: file:line:col: <the check, with its values>", then panics
 * naming the function whose check failed. The Makefile builds this file
 * without the checks, so a handler cannot call itself.
 */
#include <arch/arch.h>

#include "lib/format.h"
#include "lib/kprintf.h"
#include "lib/ksyms.h"
#include "lib/panic.h"

struct ubsan_loc {
	const char *file;
	uint32_t line;
	uint32_t column;
};

/* kind: UBSAN_INT, or another kind whose values are shown in hex; for an
 * integer, info is log2(bits) << 1 | signed. name is quoted: "'int'". */
struct ubsan_type {
	uint16_t kind;
	uint16_t info;
	char name[];
};
#define UBSAN_INT 0

struct ubsan_type_mismatch {
	struct ubsan_loc loc;
	const struct ubsan_type *type;
	unsigned char log_alignment;
	unsigned char check_kind; /* index of ubsan_access */
};

struct ubsan_overflow { /* also: invalid value, VLA bound */
	struct ubsan_loc loc;
	const struct ubsan_type *type;
};

struct ubsan_shift {
	struct ubsan_loc loc;
	const struct ubsan_type *lhs_type, *rhs_type;
};

struct ubsan_bounds {
	struct ubsan_loc loc;
	const struct ubsan_type *array_type, *index_type;
};

struct ubsan_nonnull_arg {
	struct ubsan_loc loc, attr_loc;
	int arg;
};

struct ubsan_at { /* unreachable, pointer overflow, nonnull return */
	struct ubsan_loc loc;
};

struct ubsan_builtin {
	struct ubsan_loc loc;
	unsigned char kind; /* 0: ctz, 1: clz */
};

/* A value as gcc passes it: the bits of an integer of at most 64 bits,
 * else the address of the value. */
typedef uintptr_t ubsan_value;

#define CALLER ((uintptr_t)__builtin_return_address(0))
#define VALUE_MAX 48 /* "-9223372036854775808", 128-bit hex and more */

/* Print "ubsan: file:line:col: " and the check fmt describes, as one line;
 * then panic naming the function that called the handler (ret is the
 * handler's return address; the panic's pc is inside the call). */
static __attribute__((format(printf, 3, 4))) noreturn void
report(const struct ubsan_loc *loc, uintptr_t ret, const char *fmt, ...)
{
	static volatile int reporting;
	struct panic_cause cause = {.kind = PANIC_UBSAN};
	char check[256], caller[80];
	va_list ap;

	if (__atomic_exchange_n(&reporting, 1, __ATOMIC_SEQ_CST))
		panic("ubsan: a second report while reporting");
	va_start(ap, fmt);
	vformat_string(check, sizeof(check), NULL, fmt, ap);
	va_end(ap);
	kprintf("ubsan: %s:%u:%u: %s\n", loc->file, loc->line, loc->column,
		check);
	ksym_describe_return(caller, sizeof(caller), ret);
	cause.pc = ret - 1;
	cause.fp = arch_frame_pointer();
	panic_at(&cause, "undefined behaviour at %s:%u in %s", loc->file,
		 loc->line, caller);
}

static unsigned type_bits(const struct ubsan_type *t)
{
	return 1u << (t->info >> 1);
}

static bool type_signed(const struct ubsan_type *t)
{
	return t->kind == UBSAN_INT && (t->info & 1);
}

/* Is value v of type t negative? */
static bool negative(const struct ubsan_type *t, ubsan_value v)
{
	unsigned bits = type_bits(t);

	if (!type_signed(t))
		return false;
	if (bits > 64) /* the sign is in the high half, at v + 8 */
		return ((const int64_t *)v)[1] < 0;
	return (v >> (bits - 1)) & 1;
}

/* The value v of type t as decimal (hex beyond 64 bits or for a type
 * that is no integer) into buf; returns buf. */
static const char *value(char *buf, const struct ubsan_type *t, ubsan_value v)
{
	unsigned bits = type_bits(t);

	if (t->kind != UBSAN_INT)
		ksnprintf(buf, VALUE_MAX, "0x%lx", (unsigned long)v);
	else if (bits > 64)
		ksnprintf(buf, VALUE_MAX, "0x%016lx%016lx",
			  (unsigned long)((const uint64_t *)v)[1],
			  (unsigned long)((const uint64_t *)v)[0]);
	else if (type_signed(t)) /* sign-extend from the type's width */
		ksnprintf(buf, VALUE_MAX, "%ld",
			  (long)((int64_t)((uint64_t)v << (64 - bits)) >>
				 (64 - bits)));
	else
		ksnprintf(buf, VALUE_MAX, "%lu", (unsigned long)v);
	return buf;
}

/* The common report of +, - and *: "signed integer overflow: a op b ...". */
static noreturn void overflow(const struct ubsan_overflow *d, uintptr_t ret,
			      ubsan_value a, char op, ubsan_value b)
{
	char va[VALUE_MAX], vb[VALUE_MAX];

	report(&d->loc, ret,
	       "%s integer overflow: %s %c %s cannot be represented in type %s",
	       type_signed(d->type) ? "signed" : "unsigned",
	       value(va, d->type, a), op, value(vb, d->type, b), d->type->name);
}

/* The handlers, one per kind of failed check. gcc declares them with
 * void results; none returns here. */

void __ubsan_handle_add_overflow(const struct ubsan_overflow *d, ubsan_value a,
				 ubsan_value b)
{
	overflow(d, CALLER, a, '+', b);
}

void __ubsan_handle_sub_overflow(const struct ubsan_overflow *d, ubsan_value a,
				 ubsan_value b)
{
	overflow(d, CALLER, a, '-', b);
}

void __ubsan_handle_mul_overflow(const struct ubsan_overflow *d, ubsan_value a,
				 ubsan_value b)
{
	overflow(d, CALLER, a, '*', b);
}

/* Report a check on one value v of d's type: fmt's two %s are v and the
 * type's name. */
static noreturn void value_check(const struct ubsan_overflow *d, uintptr_t ret,
				 const char *fmt, ubsan_value v)
{
	char vv[VALUE_MAX];

	report(&d->loc, ret, fmt, value(vv, d->type, v), d->type->name);
}

void __ubsan_handle_negate_overflow(const struct ubsan_overflow *d,
				    ubsan_value a)
{
	value_check(d, CALLER,
		    "negation of %s cannot be represented in type %s", a);
}

/* Division or remainder by zero, or of the type's minimum by -1. */
void __ubsan_handle_divrem_overflow(const struct ubsan_overflow *d,
				    ubsan_value a, ubsan_value b)
{
	if (b == 0)
		report(&d->loc, CALLER, "division by zero");
	value_check(d, CALLER,
		    "division of %s by -1 cannot be represented in type %s", a);
}

/* a << b or a >> b with b negative or at least a's width, or a left shift
 * of a negative value or one that loses bits of a signed type. */
void __ubsan_handle_shift_out_of_bounds(const struct ubsan_shift *d,
					ubsan_value a, ubsan_value b)
{
	char va[VALUE_MAX], vb[VALUE_MAX];
	const struct ubsan_type *lt = d->lhs_type, *rt = d->rhs_type;

	value(va, lt, a);
	value(vb, rt, b);
	if (negative(rt, b))
		report(&d->loc, CALLER, "shift exponent %s is negative", vb);
	if (type_bits(lt) <= 64 && b >= type_bits(lt))
		report(&d->loc, CALLER,
		       "shift exponent %s is too large for %u-bit type %s", vb,
		       type_bits(lt), lt->name);
	if (negative(lt, a))
		report(&d->loc, CALLER, "left shift of negative value %s", va);
	report(&d->loc, CALLER,
	       "left shift of %s by %s places cannot be represented in type %s",
	       va, vb, lt->name);
}

void __ubsan_handle_out_of_bounds(const struct ubsan_bounds *d, ubsan_value i)
{
	char vi[VALUE_MAX];

	report(&d->loc, CALLER, "index %s out of bounds for type %s",
	       value(vi, d->index_type, i), d->array_type->name);
}

/* A load of a bool that is neither 0 nor 1, or of an enum out of range. */
void __ubsan_handle_load_invalid_value(const struct ubsan_overflow *d,
				       ubsan_value v)
{
	value_check(d, CALLER,
		    "load of value %s, which is not a valid value for type %s",
		    v);
}

/* What an access of type_mismatch was, by check_kind (those C can do). */
static const char *const ubsan_access[] = {
    "load of", "store to", "reference binding to", "member access within"};

/* A null, misaligned or too small object (-fsanitize=null, alignment,
 * object-size). */
void __ubsan_handle_type_mismatch_v1(const struct ubsan_type_mismatch *d,
				     uintptr_t p)
{
	const char *what = d->check_kind < ARRAY_SIZE(ubsan_access)
			       ? ubsan_access[d->check_kind]
			       : "access to";
	uintptr_t align = (uintptr_t)1 << d->log_alignment;

	if (!p)
		report(&d->loc, CALLER, "%s null pointer of type %s", what,
		       d->type->name);
	if (p & (align - 1))
		report(&d->loc, CALLER,
		       "%s misaligned address %p for type %s, which requires "
		       "%lu byte alignment",
		       what, (void *)p, d->type->name, (unsigned long)align);
	report(&d->loc, CALLER,
	       "%s address %p with insufficient space for an object of type %s",
	       what, (void *)p, d->type->name);
}

/* Pointer arithmetic that wrapped around, or went from or to NULL. */
void __ubsan_handle_pointer_overflow(const struct ubsan_at *d, uintptr_t base,
				     uintptr_t result)
{
	if (!base && !result)
		report(&d->loc, CALLER, "applying zero offset to null pointer");
	if (!base)
		report(&d->loc, CALLER,
		       "applying non-zero offset %p to null pointer",
		       (void *)result);
	if (!result)
		report(&d->loc, CALLER,
		       "applying non-zero offset to non-null pointer %p "
		       "produced null pointer",
		       (void *)base);
	report(&d->loc, CALLER, "pointer arithmetic on %p overflowed to %p",
	       (void *)base, (void *)result);
}

void __ubsan_handle_nonnull_arg(const struct ubsan_nonnull_arg *d)
{
	report(&d->loc, CALLER,
	       "null pointer passed as argument %d, which is declared to "
	       "never be null",
	       d->arg);
}

void __ubsan_handle_nonnull_return_v1(const struct ubsan_at *attr,
				      const struct ubsan_loc *loc)
{
	(void)attr;
	report(loc, CALLER,
	       "null pointer returned from function declared to never return "
	       "null");
}

noreturn void __ubsan_handle_builtin_unreachable(const struct ubsan_at *d)
{
	report(&d->loc, CALLER,
	       "execution reached an unreachable program point");
}

/* __builtin_ctz or __builtin_clz of zero. */
void __ubsan_handle_invalid_builtin(const struct ubsan_builtin *d)
{
	report(&d->loc, CALLER,
	       "passing zero to %s, which is not a valid argument",
	       d->kind ? "clz()" : "ctz()");
}

void __ubsan_handle_vla_bound_not_positive(const struct ubsan_overflow *d,
					   ubsan_value bound)
{
	value_check(d, CALLER,
		    "variable length array bound evaluates to non-positive "
		    "value %s of type %s",
		    bound);
}
