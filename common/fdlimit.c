/* fdlimit.c - see fdlimit.h. */
#include "fdlimit.h"

#include <limits.h>
#include <sys/resource.h>

static long as_long(rlim_t v)
{
    return v == RLIM_INFINITY || v > (rlim_t)LONG_MAX ? LONG_MAX : (long)v;
}

long fdlimit_current(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return -1;
    return as_long(r.rlim_cur);
}

long fdlimit_raise(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return -1;
    /* Linux refuses a soft limit of "unlimited" for open files, so there is no finite
     * figure to raise to: keep what there is. */
    if (r.rlim_max != RLIM_INFINITY && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &r) != 0)
            return -1;
    }
    return as_long(r.rlim_cur);
}
