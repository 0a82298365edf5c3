# The gdb session of tests/gdb/check.sh, after make gdb has attached: stop
# sh (pid 2, started by init) first in user mode at its main, then in the
# kernel in its first system call, and run the commands of osvm.py at each
# stop. check.sh reads the output, section by section.
usym sh
break main if $pid() == 2
continue
echo === user: bt\n
bt
echo === user: ps\n
ps
echo === user: cpus\n
cpus
echo === user: regions 2\n
regions 2 pages
echo === user: ptwalk user text\n
ptwalk $pc
echo === user: ptwalk kernel stack\n
ptwalk $curproc()->kstack - 1
delete
break syscall_handle if $curproc()->pid == 2
continue
delete
echo === ps\n
ps
echo === cpus\n
cpus
echo === ptwalk kernel text\n
ptwalk &kmain
echo === ptwalk kernel stack\n
ptwalk $sp
echo === ptwalk init text\n
ptwalk 0x400000 $curproc()->parent->as->pmap.root
echo === ptwalk null\n
ptwalk 0
echo === usym\n
usym
info symbol 0x400000
echo === end\n
kill
