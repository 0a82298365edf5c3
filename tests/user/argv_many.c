/* Many short arguments: spawn and exec refuse with ERR_INVAL only "more
 * than fits in one page" (lib/usyscall.h). WORDS one-letter words take
 * 2 * WORDS bytes of strings and 8 * (WORDS + 1) of argv, about 3 KiB:
 * they fit, so the program starts with argc == WORDS, by spawn and by
 * exec. "argv_many child" exits with its argc. */
#include <lib/stddef.h>
#include <lib/test.h>

#define WORDS 300

static char args[2 * WORDS + 16];

/* "argv_many child a a ...": WORDS words in all. */
static void make_args(void)
{
	size_t at = (size_t)snprintf(args, sizeof(args), "argv_many child");

	for (int i = 2; i < WORDS; i++) {
		args[at++] = ' ';
		args[at++] = 'a';
	}
	args[at] = '\0';
}

int main(int argc, char **argv)
{
	int pid, status;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return argc;
	make_args();
	pid = spawn(args);
	if (pid < 0)
		error("spawn of %d words (%zu bytes): %d", WORDS, strlen(args),
		      pid);
	assert(wait(pid, &status) == pid);
	if (status != WORDS)
		error("spawned with %d words, argc was %d", WORDS, status);
	pid = fork();
	assert(pid >= 0);
	if (pid == 0)
		exit(exec(args));
	assert(wait(pid, &status) == pid);
	if (status != WORDS)
		error("exec of %d words: status %d, want argc %d", WORDS,
		      status, WORDS);
	pass("argv_many: %d words, by spawn and by exec", WORDS);
	return 0;
}
