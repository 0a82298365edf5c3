/* Page contents with string instructions: rep stosq / rep movsq move eight
 * bytes per step, and the kernel runs with the direction flag clear (every
 * trap entry does cld). No SSE: the kernel does not save vector state. */
#include <arch/arch.h>

void arch_page_zero(void *page)
{
	size_t words = PAGE_SIZE / 8;

	__asm__ volatile("rep stosq"
			 : "+D"(page), "+c"(words)
			 : "a"(0ul)
			 : "memory");
}

void arch_page_copy(void *dst, const void *src)
{
	size_t words = PAGE_SIZE / 8;

	__asm__ volatile("rep movsq"
			 : "+D"(dst), "+S"(src), "+c"(words)
			 :
			 : "memory");
}
