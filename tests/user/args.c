/* argc and argv: run as "args", the test execs itself with arguments and
 * checks that they arrive whole, on an aligned stack below
 * USTACK_UPPERBOUND, with argv[argc] NULL. */
#include <lib/stddef.h>
#include <lib/test.h>

static const char *const expected[] = {"args", "one", "two", "three3",
				       "a-much-longer-fourth-argument"};
#define NEXPECTED (int)(sizeof(expected) / sizeof(expected[0]))

/* Check the arguments of the exec'd image. */
static void check_args(int argc, char **argv)
{
	assert(argc == NEXPECTED);
	assert(argv[argc] == NULL);
	for (int i = 0; i < argc; i++) {
		assert(strcmp(argv[i], expected[i]) == 0);
		assert((uintptr_t)argv[i] < USTACK_UPPERBOUND);
	}
	assert((uintptr_t)argv < USTACK_UPPERBOUND);
	assert((uintptr_t)__builtin_frame_address(0) % 16 == 0);
}

int main(int argc, char **argv)
{
	if (argc == 1) {
		assert(strcmp(argv[0], "args") == 0);
		assert(argv[1] == NULL);
		exec("args one two three3 a-much-longer-fourth-argument");
		error("exec returned");
	}
	check_args(argc, argv);
	pass("args: %d arguments arrived", argc);
	return 0;
}
