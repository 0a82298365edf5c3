/*
 * Trap entry: one small stub per vector pushes a uniform frame (struct
 * trapframe, <arch/trapframe.h>) and calls trap_dispatch; trap_exit pops
 * it and irets. Traps from user mode swap in the kernel's gs base (struct
 * cpu) on entry and the user's (0) on exit; docs/syscall-x86_64.md has
 * the picture.
 */
#include <arch/trapframe.h>

/* Where cs is while rsp points at the vector slot (before the general
 * registers are pushed and after they are popped). */
#define TF_CS_FROM_VECTOR (TF_CS - TF_VECTOR)

/* stub vec: entry point for vector vec, listed in trap_stubs. Vectors
 * whose exceptions push an error code skip the dummy one. */
.macro stub vec
	.text
	.balign 16
trap_vector_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.section .rodata
	.quad \vec, trap_vector_\vec
.endm

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub \vec
	.endr
	stub VEC_PIC_SPURIOUS
	stub VEC_TIMER
	stub VEC_SYSCALL
	stub VEC_IPI
	stub VEC_APIC_SPURIOUS
	.section .rodata
	.globl trap_stubs_end
trap_stubs_end:

/* Pop rax ... r15 of a frame (the reverse of trap_save_regs). */
.macro	pop_gprs
	.irp	reg, r15,r14,r13,r12,r11,r10,r9,r8,rbp,rdi,rsi,rdx,rcx,rbx,rax
	popq	%\reg
	.endr
.endm

	.text
trap_common:
	testb $3, TF_CS_FROM_VECTOR(%rsp)
	jz trap_save_regs
	swapgs
	/* An interrupt gate leaves rflags.AC as user mode had it, and AC set
	 * would lift SMAP in the kernel: clear it (clac exists only with
	 * SMAP, which cpu_protect_user records). */
	cmpb $0, x86_smap_on(%rip)
	je trap_save_regs
	clac
trap_save_regs:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	mov %rsp, %rdi          /* the frame; rsp is 16-byte aligned here */
	call trap_dispatch
/* Interrupts stay off from here to iretq/sysretq: an interrupt after the
 * exit swapgs would run the kernel with the user's gs base. A frame the
 * syscall instruction made leaves by sysretq (cheaper than iretq), unless
 * its rip is not a canonical user address: sysretq would then fault in
 * ring 0 on the user's stack. (iretq to such a rip would fault in ring 0
 * too, after the swapgs, and panic; neither happens, since a user rip is
 * always inside a mapped user page: the page below USER_TOP is never
 * mapped and exec checks the ELF entry point.) */
trap_exit:
	cli
	cmpq $VEC_SYSCALL, TF_VECTOR(%rsp)
	jne iret_exit
	cmpq $TF_ENTERED_BY_SYSCALL, TF_ERROR(%rsp)
	jne iret_exit
	movq TF_RIP(%rsp), %rcx
	shrq $47, %rcx
	jnz iret_exit
	pop_gprs                /* then rcx = rip, r11 = rflags */
	movq TF_RIP - TF_VECTOR(%rsp), %rcx
	movq TF_RFLAGS - TF_VECTOR(%rsp), %r11
	movq TF_RSP - TF_VECTOR(%rsp), %rsp
	swapgs
	sysretq
iret_exit:
	pop_gprs
	testb $3, TF_CS_FROM_VECTOR(%rsp)
	jz 2f
	swapgs
2:	add $16, %rsp           /* vector and error code */
	iretq

/* syscall_entry: where MSR_LSTAR points (idt.c). The syscall instruction
 * left the user's rip in rcx and rflags in r11, loaded the kernel's cs and
 * ss from MSR_STAR, cleared IF, TF, DF, AC and NT (MSR_FMASK) and left rsp
 * alone: switch to the process's kernel stack through gs, then build the
 * same frame int $0x80 makes (error slot TF_ENTERED_BY_SYSCALL), so the
 * rest of the kernel cannot tell the two apart. */
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_KSTACK_TOP, %rsp
	pushq $(SEL_UDATA | 3)
	pushq %gs:CPU_USER_RSP
	pushq %r11
	pushq $(SEL_UCODE | 3)
	pushq %rcx
	pushq $TF_ENTERED_BY_SYSCALL
	pushq $VEC_SYSCALL
	jmp trap_save_regs

/* arch_return_to_user(tf): enter user mode with the registers in tf, the
 * frame at the top of the current kernel stack (see arch/include/arch/arch.h). */
	.globl arch_return_to_user
arch_return_to_user:
	cli
	mov %rdi, %rsp
	jmp trap_exit

	.section .note.GNU-stack, "", @progbits
