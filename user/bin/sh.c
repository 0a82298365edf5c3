/* sh: read a command line, run it, repeat. Builtins: exit [STATUS], halt,
 * meminfo; anything else is "program arg..." for spawn. The console echoes
 * input and handles backspace itself. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/usyscall.h>

#define SH_LINE_MAX 256

/* Read one line from fd 0 into line, without its newline, one byte at a
 * time so that typed-ahead lines stay in the console; a longer line is cut
 * to size - 1 bytes. Return: false at end of input. */
static bool read_line(char *line, size_t size)
{
	size_t len = 0;
	char c;

	for (;;) {
		if (read(0, &c, 1) != 1)
			return false;
		if (c == '\n')
			break;
		if (len + 1 < size)
			line[len++] = c;
	}
	line[len] = '\0';
	return true;
}

/* Cut leading and trailing blanks off line. Return: what is left. */
static char *trim(char *line)
{
	size_t len;

	while (*line == ' ' || *line == '\t')
		line++;
	len = strlen(line);
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
			   line[len - 1] == '\r'))
		line[--len] = '\0';
	return line;
}

/* Return: the length of the first word of s. */
static size_t word_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != ' ' && s[n] != '\t')
		n++;
	return n;
}

/* Return: whether line's first word is word. */
static bool is_command(const char *line, const char *word)
{
	size_t n = word_len(line);

	return n == strlen(word) && strncmp(line, word, n) == 0;
}

/* Spawn the program line names, wait for it, report a failure. */
static void run(const char *line)
{
	int pid = spawn(line), status;

	if (pid < 0) {
		printf("sh: cannot run '%.*s': %s\n", (int)word_len(line), line,
		       strerror(pid));
		return;
	}
	if (wait(pid, &status) != pid)
		printf("sh: lost child %d\n", pid);
	else if (status != 0)
		printf("exit status %d\n", status);
}

int main(void)
{
	char buf[SH_LINE_MAX];
	char *line;

	for (;;) {
		printf("$ ");
		if (!read_line(buf, sizeof(buf)))
			return 0;
		line = trim(buf);
		if (*line == '\0')
			continue;
		if (is_command(line, "exit"))
			return atoi(line + 4);
		if (is_command(line, "halt"))
			halt();
		else if (is_command(line, "meminfo"))
			meminfo();
		else
			run(line);
	}
}
