/* The initrd archive, built by user/user.mk, included as read-only data. */
	.section .rodata
	.balign 16
	.globl initrd_start
	.globl initrd_end
initrd_start:
	.incbin INITRD_FILE
initrd_end:
	.section .note.GNU-stack,"",@progbits
