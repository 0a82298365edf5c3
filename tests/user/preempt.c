/* Preemption: two children spin, writing their letter to a pipe after each
 * stretch, and the parent, once it has let them start, spins too and writes
 * 'P'. Only a timer that takes the CPU away from a spinner lets the letters
 * of the children interleave and lets 'P' in before they have finished. */
#include <lib/stddef.h>
#include <lib/test.h>

#define ROUNDS 100
#define SPIN 200000
#define PARENT_ROUNDS 10
#define MIN_SWITCHES 3

/* Spin for the given number of stretches; with a letter, write it after
 * each stretch. */
static void spin(int rounds, int fd, char letter)
{
	volatile unsigned long n = 0;

	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < SPIN; i++)
			n++;
		if (letter != 0 && write(fd, &letter, 1) != 1)
			exit(1);
	}
}

/* Read the letters until both children are done. Return: how often the
 * children's letters alternate; *after_p counts theirs that came after 'P'. */
static int read_letters(int fd, int *after_p)
{
	int switches = 0, count = 0;
	bool seen_p = false;
	char c, last = 0;

	*after_p = 0;
	while (read(fd, &c, 1) == 1) {
		if (c == 'P') {
			seen_p = true;
			continue;
		}
		switches += last != 0 && c != last;
		last = c;
		*after_p += seen_p;
		count++;
	}
	assert(seen_p && count == 2 * ROUNDS);
	return switches;
}

int main(void)
{
	int fds[2], pid[2], status, switches, after_p;

	assert(pipe(fds) == ERR_OK);
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		assert(pid[i] >= 0);
		if (pid[i] == 0) {
			close(fds[0]);
			spin(ROUNDS, fds[1], "AB"[i]);
			exit(0);
		}
	}
	sleep(10);
	spin(PARENT_ROUNDS, -1, 0);
	assert(write(fds[1], "P", 1) == 1);
	close(fds[1]);
	switches = read_letters(fds[0], &after_p);
	for (int i = 0; i < 2; i++)
		assert(wait(pid[i], &status) == pid[i] && status == 0);
	close(fds[0]);
	if (switches < MIN_SWITCHES || after_p == 0)
		error("starved: %d switches between the spinners, %d of their "
		      "letters after the parent's",
		      switches, after_p);
	pass("preempt: %d switches, %d letters after the parent's", switches,
	     after_p);
	return 0;
}
