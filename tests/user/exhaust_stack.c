/* Deep recursion in NPROCS processes at once. All start together; each
 * recurses, one FRAME-byte frame per level, until a frame lies in the
 * lowest page of its 10-page stack; there it says so and waits until all
 * are that deep (NPROCS - NPROCS / 3 full stacks alive at once), then
 * unwinds checking every frame. Every third goes on past the bottom of its
 * stack and must be killed (status -1, num_kill up by one each). The
 * kernel goes on and every frame comes back. */
#include <lib/stddef.h>
#include <lib/test.h>
#include <lib/testkit.h>

#define PAGE_SIZE 4096ul /* both arches */
#define STACK_BOTTOM (USTACK_UPPERBOUND - 10 * PAGE_SIZE)
#define NPROCS 24
#define FRAME 240
#define CORRUPT 2 /* status: a frame lost its values */

static struct sys_info si;

static size_t free_pages(void)
{
	assert(info(&si) == ERR_OK);
	return si.free_pages;
}

/* Recurse until a frame lies in the lowest stack page (forever: on past
 * it); there, say so on ready and wait for release to close. Each level
 * checks its frame on the way back. Return: the levels below this one. */
static __attribute__((noinline)) int recurse(int level, bool forever, int ready,
					     int release)
{
	volatile unsigned char frame[FRAME];
	int below = 0;

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (unsigned char)(level + i);
	if (forever || (uintptr_t)frame >= STACK_BOTTOM + PAGE_SIZE) {
		below = recurse(level + 1, forever, ready, release) + 1;
	} else {
		/* Said, and let go: once every deep process has said so or
		 * died (killed for want of memory), the parent reads the end
		 * of the pipe instead of waiting forever. */
		assert(write(ready, "d", 1) == 1);
		close(ready);
		(void)pipe_await(release);
	}
	for (size_t i = 0; i < sizeof(frame); i++)
		if (frame[i] != (unsigned char)(level + i))
			exit(CORRUPT);
	return below;
}

int main(void)
{
	int start[2], ready[2], release[2], pids[NPROCS], status, deep = 0;
	size_t free0 = free_pages(), kills0 = si.num_kill,
	       live0 = si.live_procs;
	char c;

	assert(pipe(start) == ERR_OK && pipe(ready) == ERR_OK &&
	       pipe(release) == ERR_OK);
	for (int i = 0; i < NPROCS; i++) {
		pids[i] = fork();
		assert(pids[i] >= 0);
		if (pids[i] == 0) {
			close(start[1]);
			close(release[1]);
			close(ready[0]);
			(void)pipe_await(start[0]);
			recurse(0, i % 3 == 2, ready[1], release[0]);
			exit(0);
		}
	}
	close(ready[1]);
	close(start[1]); /* all at once */
	while (deep < NPROCS - NPROCS / 3 && read(ready[0], &c, 1) == 1)
		deep++;
	if (deep != NPROCS - NPROCS / 3)
		error(
		    "%d processes reached the bottom of their stacks, want %d",
		    deep, NPROCS - NPROCS / 3);
	free_pages();
	if (si.live_procs < live0 + deep)
		error("%zu processes live with full stacks, want %d",
		      si.live_procs - live0, deep);
	close(release[1]);
	for (int i = 0; i < NPROCS; i++) {
		assert(wait(pids[i], &status) == pids[i]);
		if (status != (i % 3 == 2 ? -1 : 0))
			error("process %d (%s): status %d", i,
			      i % 3 == 2 ? "past the bottom" : "to the bottom",
			      status);
	}
	close(start[0]);
	close(ready[0]);
	close(release[0]);
	if (free_pages() != free0)
		error("%ld frames leaked", (long)free0 - (long)si.free_pages);
	if (si.num_kill - kills0 != NPROCS / 3)
		error("num_kill grew by %zu, want %d", si.num_kill - kills0,
		      NPROCS / 3);
	pass("exhaust_stack: %d processes with full stacks at once, %d killed "
	     "past the bottom",
	     deep, NPROCS / 3);
	return 0;
}
