/* Kills: a child that faults in each way the kernel refuses is killed
 * alone. Its parent's wait gives status -1, and info().num_kill counts each
 * kill once. The faulting instructions differ per arch; RISC-V division by
 * zero does not trap, so that case is x86_64 only. */
#include <lib/stddef.h>
#include <lib/test.h>

/* Zero, hidden from the optimiser so that it emits the access itself. */
static volatile uintptr_t zero;
static const int rodata_word = 1;

/* A function's return instruction, placed in writable data. */
#if defined(__x86_64__)
static unsigned char data_code[] = {0xc3};
#elif defined(__riscv)
static unsigned char data_code[] = {0x82, 0x80};
#endif

static void write_text(void)
{
	*(volatile unsigned char *)(uintptr_t)write_text = 0;
}

static void write_rodata(void)
{
	*(volatile int *)&rodata_word = 2;
}

static void exec_data(void)
{
	((void (*)(void))(uintptr_t)data_code)();
}

static void exec_stack(void)
{
	unsigned char code[sizeof(data_code)];

	memcpy(code, data_code, sizeof(code));
	((void (*)(void))(uintptr_t)code)();
}

static void read_null(void)
{
	(void)*(volatile char *)zero;
}

static void jump_null(void)
{
	((void (*)(void))zero)();
}

static void read_kernel(void)
{
	(void)*(volatile char *)(KMAP_BASE + zero);
}

static void write_unmapped(void)
{
	*(volatile char *)(0x10000000 + zero) = 1;
}

static void illegal_instruction(void)
{
#if defined(__x86_64__)
	asm volatile("ud2");
#elif defined(__riscv)
	asm volatile("unimp");
#endif
}

static void privileged_instruction(void)
{
#if defined(__x86_64__)
	asm volatile("hlt");
#elif defined(__riscv)
	asm volatile("csrw sstatus, zero");
#endif
}

#if defined(__x86_64__)
static void divide_by_zero(void)
{
	volatile int a = 1, b = 0;

	a /= b;
}

static void read_noncanonical(void)
{
	(void)*(volatile char *)(0x8000000000000000ul + zero);
}
#endif

static const struct {
	const char *name;
	void (*fault)(void);
} faults[] = {
    {"write text", write_text},
    {"write rodata", write_rodata},
    {"execute data", exec_data},
    {"execute stack", exec_stack},
    {"read address 0", read_null},
    {"jump to address 0", jump_null},
    {"read a kernel address", read_kernel},
    {"write an unmapped address", write_unmapped},
    {"illegal instruction", illegal_instruction},
    {"privileged instruction", privileged_instruction},
#if defined(__x86_64__)
    {"divide by zero", divide_by_zero},
    {"read a non-canonical address", read_noncanonical},
#endif
};

/* Return: the kills counted so far. */
static size_t num_kill(void)
{
	struct sys_info si;

	assert(info(&si) == ERR_OK);
	return si.num_kill;
}

int main(void)
{
	size_t n = sizeof(faults) / sizeof(faults[0]);

	for (size_t i = 0; i < n; i++) {
		size_t kills = num_kill();
		int status, pid = fork();

		assert(pid >= 0);
		if (pid == 0) {
			faults[i].fault();
			exit(0);
		}
		assert(wait(pid, &status) == pid);
		if (status != -1)
			error("%s: exit status %d, want -1", faults[i].name,
			      status);
		if (num_kill() != kills + 1)
			error("%s: num_kill went from %zu to %zu",
			      faults[i].name, kills, num_kill());
	}
	pass("kills: %zu kinds of fault, each killed only its process", n);
	return 0;
}
