/* Preemption: two children spin and write their letter to a pipe after
 * every stretch; the parent lets them start, then spins too and writes 'P'.
 * Only a timer that takes the CPU from a spinner makes the children's
 * letters alternate and lets 'P' in early. The parent reads no more than
 * LETTER_LIMIT letters, fewer than a pipe holds: a full pipe would block the
 * spinners and switch between them without any timer. */
#include <lib/stddef.h>
#include <lib/test.h>

#define SPIN 100000
#define PARENT_ROUNDS 10
#define MIN_SWITCHES 3
#define LETTER_LIMIT 500

static void spin_stretch(void)
{
	volatile unsigned long n = 0;

	for (int i = 0; i < SPIN; i++)
		n++;
}

/* Child: spin, writing letter after each stretch, until the pipe has no
 * reader left. */
static void spinner(int fd, char letter)
{
	do
		spin_stretch();
	while (write(fd, &letter, 1) == 1);
	exit(0);
}

/* Read letters until the children's have alternated MIN_SWITCHES times and
 * 'P' went by, or LETTER_LIMIT letters. Return: the letters read. */
static int read_letters(int fd, int *switches, bool *seen_p)
{
	char c, last = 0;
	int count = 0;

	*switches = 0;
	*seen_p = false;
	while (count < LETTER_LIMIT && (*switches < MIN_SWITCHES || !*seen_p)) {
		assert(read(fd, &c, 1) == 1);
		count++;
		if (c == 'P') {
			*seen_p = true;
			continue;
		}
		*switches += last != 0 && c != last;
		last = c;
	}
	return count;
}

int main(void)
{
	int fds[2], pid[2], status, switches, count;
	bool seen_p;

	assert(pipe(fds) == ERR_OK);
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		assert(pid[i] >= 0);
		if (pid[i] == 0) {
			close(fds[0]);
			spinner(fds[1], "AB"[i]);
		}
	}
	sleep(10);
	for (int r = 0; r < PARENT_ROUNDS; r++)
		spin_stretch();
	assert(write(fds[1], "P", 1) == 1);
	close(fds[1]);
	count = read_letters(fds[0], &switches, &seen_p);
	close(fds[0]);
	for (int i = 0; i < 2; i++)
		assert(wait(pid[i], &status) == pid[i] && status == 0);
	if (count == LETTER_LIMIT)
		error("starved: %d switches between the spinners, 'P' %s, in "
		      "%d letters",
		      switches, seen_p ? "seen" : "not seen", count);
	pass("preempt: %d switches and the parent's 'P' in %d letters",
	     switches, count);
	return 0;
}
