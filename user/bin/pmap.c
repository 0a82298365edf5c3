/* pmap [-r] [PID]: the address space of process PID (default: pmap's own)
 * page by page, from vmmap(): one line per memregion with its kind, range,
 * permissions and pages, then one cell per page: . absent, r read-only,
 * w writable, c copy-on-write; -r adds each frame's reference count (w1,
 * c2). A run of equal cells is written once with its length: .{9}. The
 * legend is in docs/vm.md. */
#include <lib/malloc.h>
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/vmmap.h>

int main(int argc, char **argv)
{
	bool refs = false;
	int pid = getpid();
	ssize_t len;
	void *buf;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "-r") == 0) {
			refs = true;
			continue;
		}
		pid = (int)strtol(argv[i], &end, 10);
		if (*end != '\0' || end == argv[i]) {
			printf("usage: pmap [-r] [PID]\n");
			return 2;
		}
	}
	len = vmmap_fetch(pid, &buf);
	if (len < 0) {
		printf("pmap: pid %d: %s\n", pid, strerror((int)len));
		return 1;
	}
	printf("pid %d%s:\n", pid, pid == getpid() ? " (pmap itself)" : "");
	vmmap_print(buf, (size_t)len, refs);
	free(buf);
	return 0;
}
