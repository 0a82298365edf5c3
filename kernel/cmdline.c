/* Parsing the kernel command line. */
#include "kernel/cmdline.h"

#include "lib/string.h"

bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		const char *word = p;
		size_t len = 0;

		while (word[len] && word[len] != ' ')
			len++;
		p = word + len;
		while (*p == ' ')
			p++;
		if (len < klen || strncmp(word, key, klen) != 0)
			continue;
		if (len == klen || word[klen] == '=') {
			const char *v =
			    len == klen ? word + len : word + klen + 1;
			size_t vlen = word + len - v;
			if (val && size) {
				vlen = MIN(vlen, size - 1);
				memcpy(val, v, vlen);
				val[vlen] = '\0';
			}
			return true;
		}
	}
	return false;
}
