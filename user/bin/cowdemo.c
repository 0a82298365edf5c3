/* cowdemo: copy-on-write, page by page. The parent writes two heap pages
 * and forks; then the child writes heap page 0, then the parent does. After
 * each step it prints both processes' pictures side by side in pmap -r
 * cells (state letter and the frame's reference count: . absent, r
 * read-only, w writable, c copy-on-write), which frame each maps at heap
 * page 0, and what the info() counters did. */
#include <lib/stdio.h>
#include <lib/string.h>
#include <lib/vmmap.h>

#define PAGE_SIZE 4096
#define HEAP_PAGES 2
#define PICTURE_MAX 2048
#define COLUMN 24 /* the width of one process's column */

/* In bss, like the counters: fork shares them too, so the parent makes its
 * pages of them private right after fork (main). */
static char pictures[2][PICTURE_MAX];
static struct sys_info before, now;
static unsigned char *heap;
static int pids[2]; /* parent, child (0 before the fork) */

/* Take the picture of pids[k] into pictures[k]. Return: its length. */
static size_t take_picture(int k)
{
	ssize_t len = vmmap(pids[k], pictures[k], PICTURE_MAX);

	if (len < 0 || len > PICTURE_MAX) {
		printf("cowdemo: vmmap(%d): %s\n", pids[k],
		       len < 0 ? strerror((int)len) : "picture too large");
		exit(1);
	}
	return (size_t)len;
}

/* Print one row of n columns: kind (a region's, or "" for the heading),
 * then the text of each column. */
static void print_row(const char *kind, int n, char cell[][COLUMN + 1])
{
	if (n == 2)
		printf("  %-6s %-*s %s\n", kind, COLUMN, cell[0], cell[1]);
	else
		printf("  %-6s %s\n", kind, cell[0]);
}

/* Print the pictures of the processes in pids side by side, one row per
 * region (fork gives the child the parent's regions). */
static void print_pictures(void)
{
	int n = pids[1] ? 2 : 1;
	size_t len[2];
	const struct vmmap_region *r[2] = {NULL, NULL};
	char cell[2][COLUMN + 1];

	for (int k = 0; k < n; k++) {
		len[k] = take_picture(k);
		snprintf(cell[k], sizeof(cell[k]), "%s %d",
			 k ? "child" : "parent", pids[k]);
	}
	print_row("", n, cell);
	for (;;) {
		for (int k = 0; k < n; k++) {
			r[k] = vmmap_next(pictures[k], len[k], r[k]);
			cell[k][0] = '\0';
			if (r[k])
				vmmap_region_text(r[k], 0, true, cell[k],
						  sizeof(cell[k]));
		}
		if (!r[0])
			return;
		print_row(vmmap_kind_name(r[0]->kind), n, cell);
	}
}

/* Print the frame each process maps at heap page 0. */
static void print_frames(void)
{
	unsigned frame[2] = {0, 0};

	for (int k = 0; k < (pids[1] ? 2 : 1); k++) {
		const struct vmmap_page *p =
		    vmmap_find(pictures[k], PICTURE_MAX, (uintptr_t)heap, NULL);
		frame[k] = p ? p->frame : 0;
	}
	printf("  heap page 0 is frame 0x%x in the parent", frame[0]);
	if (pids[1])
		printf(", 0x%x in the child%s", frame[1],
		       frame[0] == frame[1] ? " (the same)" : "");
	printf("\n");
}

/* Print counter name's value now, and its change since before unless this
 * is the first step. */
static void print_counter(const char *name, size_t now_value,
			  size_t before_value, bool first)
{
	long change = (long)now_value - (long)before_value;

	printf("  %s %zu", name, now_value);
	if (!first)
		printf(" (%s%ld)", change < 0 ? "" : "+", change);
}

/* Print the counters, and how they moved since the last step. */
static void print_counters(bool first)
{
	info(&now);
	printf("  counters:");
	print_counter("cow_copy", now.num_cow_copy, before.num_cow_copy, first);
	print_counter("cow_reuse", now.num_cow_reuse, before.num_cow_reuse,
		      first);
	print_counter("zerofill", now.num_zerofill, before.num_zerofill, first);
	print_counter("free", now.free_pages, before.free_pages, first);
	printf("\n");
	before = now;
}

/* One step of the demo: its caption, then the pictures, frames and
 * counters. */
static void step(const char *caption)
{
	printf("\n%s\n", caption);
	print_pictures();
	print_frames();
	print_counters(pids[1] == 0);
}

/* The child: say it runs, then write heap page 0 when told 'w'; exit
 * when the parent closes the pipe. */
static void child(int cmd, int ack)
{
	char c = 'r';

	write(ack, &c, 1);
	while (read(cmd, &c, 1) == 1) {
		heap[0] = 2;
		write(ack, &c, 1);
	}
	exit(0);
}

int main(void)
{
	int cmd[2], ack[2];
	char c = 'w';

	heap = sbrk(HEAP_PAGES * PAGE_SIZE);
	if (heap == (unsigned char *)ERR_NOMEM || pipe(cmd) || pipe(ack)) {
		printf("cowdemo: no memory\n");
		return 1;
	}
	memset(heap, 1, HEAP_PAGES * PAGE_SIZE);
	pids[0] = getpid();
	printf("cowdemo: copy-on-write, page by page. A cell per page, as in "
	       "pmap -r:\n. absent, r read-only, w writable, c copy-on-write; "
	       "then "
	       "its frame's count\n");
	step("1. before fork: the parent has written both heap pages (w1: its "
	     "own)");
	pids[1] = fork();
	if (pids[1] < 0) {
		printf("cowdemo: fork: %s\n", strerror(pids[1]));
		return 1;
	}
	if (pids[1] == 0) {
		close(cmd[1]);
		child(cmd[0], ack[1]);
	}
	read(ack[0], &c, 1);
	/* Make the parent's bss private now, so that steps 3 and 4 count
	 * nothing but their heap write. */
	memset(pictures, 0, sizeof(pictures));
	step("2. after fork: every page is shared, the writable ones as c2 in "
	     "both;\n   the stack and data pages each has written since are "
	     "private again (copied)");
	write(cmd[1], &c, 1);
	read(ack[0], &c, 1);
	step("3. the child wrote heap page 0: it got a copy (w1), the parent's "
	     "is c1 now");
	heap[0] = 3;
	step("4. the parent wrote heap page 0: the last holder takes it back, "
	     "no copy (w1)");
	close(cmd[1]);
	wait(pids[1], NULL);
	return 0;
}
