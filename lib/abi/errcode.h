/* Error codes returned by system calls (the course's family). The kernel
 * includes this header too, so both sides agree on every value. */
#ifndef LIB_ERRCODE_H
#define LIB_ERRCODE_H

#define ERR_OK 0
#define ERR_NOMEM -1	/* out of memory */
#define ERR_NORES -2	/* out of some other resource */
#define ERR_UNALLOC -3	/* not allocated */
#define ERR_EXIST -4	/* already exists */
#define ERR_NOTEXIST -5 /* does not exist */
#define ERR_INCOMP -6	/* incompatible */
#define ERR_FTYPE -7	/* wrong file type */
#define ERR_REGISTER -8 /* registration failed */
#define ERR_NOTEMPTY -9 /* not empty */
#define ERR_END -10	/* end of data, or no reader on a pipe */
#define ERR_INIT -11	/* not initialised */
#define ERR_FAULT -12	/* bad address */
#define ERR_INVAL -13	/* invalid argument */
#define ERR_CHILD -14	/* no such child */

#endif
