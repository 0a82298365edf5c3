# The gdb session of tests/gdb/check.sh, after make gdb has attached: stop
# in the first system call of sh (pid 2, started by init), then run every
# command of osvm.py once. check.sh reads the output.
break syscall_handle if $curproc()->pid == 2
continue
delete
echo === ps\n
ps
echo === cpus\n
cpus
echo === regions 2\n
regions 2 pages
echo === ptwalk user text\n
ptwalk 0x400000
echo === ptwalk kernel text\n
ptwalk &kmain
echo === ptwalk kernel stack\n
ptwalk $sp
echo === ptwalk null\n
ptwalk 0
echo === usym\n
usym
info symbol 0x400000
echo === done\n
kill
