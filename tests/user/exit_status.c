/* exit: the whole int status reaches the parent, negative ones too. */
#include <lib/stddef.h>
#include <lib/test.h>

static const int statuses[] = {0,	   1,  255, 256,
			       0x12345678, -5, -1,  (int)0x80000000};

int main(void)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		int status, pid = fork();

		assert(pid >= 0);
		if (pid == 0)
			exit(statuses[i]);
		assert(wait(pid, &status) == pid);
		if (status != statuses[i])
			error("exit(%d) reached the parent as %d", statuses[i],
			      status);
	}
	pass("exit_status");
	return 0;
}
