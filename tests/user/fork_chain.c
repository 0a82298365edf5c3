/* The course's low-memory test: a chain of 35 processes, each the child of
 * the one before and all alive at once, each touching a page of its own;
 * then the chain unwinds, every exit status carried back to the top. The
 * matrix runs it at MEM=8M too. */
#include <lib/stddef.h>
#include <lib/test.h>

#define CHAIN 35

static char page[4096];

/* Be link depth of the chain: touch a private page, start the next link
 * and return the sum of the depths below plus our own. */
static int link_of_chain(int depth)
{
	int pid, status;

	page[0] = (char)depth; /* a private copy of this page per process */
	if (depth == CHAIN)
		return depth;
	pid = fork();
	if (pid < 0)
		error("fork at depth %d failed: %d", depth, pid);
	if (pid == 0)
		exit(link_of_chain(depth + 1));
	if (wait(pid, &status) != pid)
		error("wait at depth %d failed", depth);
	if (page[0] != (char)depth)
		error("depth %d: my page was changed to %d", depth, page[0]);
	return status + depth;
}

int main(void)
{
	int sum = link_of_chain(1);

	if (sum != CHAIN * (CHAIN + 1) / 2)
		error("the chain summed to %d, want %d", sum,
		      CHAIN * (CHAIN + 1) / 2);
	pass("fork_chain: %d processes alive at once", CHAIN);
	return 0;
}
