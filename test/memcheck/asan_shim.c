/*
 * test/memcheck/asan_shim.c
 *
 * Preloaded after the ASan runtime by scripts/memcheck.sh.  Debian's
 * postgres links libgpg-error, whose constructor calls bindtextdomain()
 * before the ASan runtime has initialized itself.  The first malloc() inside
 * bindtextdomain then initializes ASan, which looks up the optional symbol
 * swift_demangle; the failed lookup makes dlerror() translate its message,
 * which takes glibc's gettext lock that bindtextdomain already holds, and the
 * lock is left corrupted: every server process then hangs at startup.
 * Defining the symbol makes the lookup succeed.  It demangles nothing.
 */
#include <stddef.h>
#include <stdint.h>

char	   *swift_demangle(const char *mangled, size_t mangled_len,
						   char *out, size_t *out_len, uint32_t flags);

char *
swift_demangle(const char *mangled, size_t mangled_len,
			   char *out, size_t *out_len, uint32_t flags)
{
	return NULL;
}
