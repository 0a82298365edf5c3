/* fork and wait: a fork tree of depth 3 whose exit statuses add up; wait for
 * any child and for a given one; ERR_CHILD for pid -100, for processes that
 * are not children (self, init, a grandchild), and when no child is left; a
 * NULL status. */
#include <lib/stddef.h>
#include <lib/test.h>

#define TREE_DEPTH 3

/* Fork two subtrees of depth - 1 and wait for them, one by pid and one as
 * "any". Return: the number of processes in this subtree. */
static int tree(int depth)
{
	int pid[2], status[2], me = getpid();

	if (depth == 0)
		return 1;
	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		assert(pid[i] >= 0);
		if (pid[i] == 0) {
			assert(getpid() > me);
			exit(tree(depth - 1));
		}
		assert(pid[i] > me);
	}
	assert(wait(pid[1], &status[1]) == pid[1]);
	assert(wait(-1, &status[0]) == pid[0]);
	assert(wait(-1, NULL) == ERR_CHILD);
	return status[0] + status[1] + 1;
}

/* A grandchild is not a child: waiting for its pid gives ERR_CHILD, while it
 * is alive and after it has gone to init. */
static void check_grandchild(void)
{
	int status, pid = fork();

	assert(pid >= 0);
	if (pid == 0) {
		int grandchild = fork();

		if (grandchild == 0) {
			sleep(50);
			exit(0);
		}
		exit(grandchild);
	}
	assert(wait(pid, &status) == pid);
	assert(status > pid);
	assert(wait(status, NULL) == ERR_CHILD);
}

int main(void)
{
	int pid, n = tree(TREE_DEPTH);

	if (n != (1 << (TREE_DEPTH + 1)) - 1)
		error("fork tree of depth %d counted %d processes", TREE_DEPTH,
		      n);
	assert(wait(-100, NULL) == ERR_CHILD);
	assert(wait(getpid(), NULL) == ERR_CHILD);
	assert(wait(1, NULL) == ERR_CHILD);
	check_grandchild();
	pid = fork();
	if (pid == 0)
		exit(7);
	assert(wait(pid, NULL) == pid);
	assert(wait(pid, NULL) == ERR_CHILD);
	pass("fork_wait: %d processes in the tree", n);
	return 0;
}
