/* pollcost_plan.c - see pollcost_plan.h. */
#include "pollcost_plan.h"

#include <errno.h>
#include <stdlib.h>

int pollcost_parse_counts(const char *text, int *counts, int max)
{
    int n = 0;
    const char *p = text;
    if (*p == '\0')
        return -1;
    for (;;) {
        if (*p < '0' || *p > '9')
            return -1;
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || v < 1 || v > 1000000 || n == max || (n > 0 && v <= counts[n - 1]))
            return -1;
        counts[n++] = (int)v;
        if (*end == '\0')
            return n;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
}

int pollcost_fits(int n, int first_fd, int backend_fd_limit, long open_file_limit)
{
    long highest = (long)first_fd + n - 1;
    if (backend_fd_limit > 0 && highest >= backend_fd_limit)
        return 0;
    return highest < open_file_limit;
}

int pollcost_batch(double turn_ns, double target_ns, int max_batch)
{
    if (!(turn_ns > 0))
        return max_batch;
    double b = target_ns / turn_ns;
    if (b < 1)
        return 1;
    return b > max_batch ? max_batch : (int)b;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double pollcost_median(double *values, size_t n)
{
    qsort(values, n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
