/* limits.c - see limits.h. */
#include "limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "fdlimit.h"

#define PORT_RANGE_FILE "/proc/sys/net/ipv4/ip_local_port_range"

long limits_fds_needed(unsigned clients)
{
    return (long)clients + LIMITS_SPARE_FDS;
}

bool limits_check_fds(unsigned clients, long soft_before, long allowed, long hard, FILE *err)
{
    long need = limits_fds_needed(clients);
    if (allowed >= need)
        return true;
    long most = allowed > LIMITS_SPARE_FDS ? allowed - LIMITS_SPARE_FDS : 0;
    fprintf(err, "chat-loadgen: %u clients need %ld open files, but this process may open "
            "only %ld\n", clients, need, allowed);
    if (allowed < hard)
        fprintf(err, "  (the soft limit %ld could not be raised to the hard limit %ld).\n",
                allowed, hard);
    else if (soft_before < hard)
        fprintf(err, "  (soft limit %ld, raised by chat-loadgen to the hard limit %ld; only "
                "root can raise that).\n", soft_before, hard);
    else
        fprintf(err, "  (the soft limit is already the hard limit, %ld; only root can raise "
                "that).\n", hard);
    fprintf(err, "  Allow more first, e.g. `ulimit -n %ld` as root in the shell that starts "
            "chat-loadgen\n  (nofile in /etc/security/limits.conf to keep it), or run at most "
            "--clients %ld.\n", need, most);
    return false;
}

long limits_parse_port_range(const char *text)
{
    char *end;
    errno = 0;
    long low = strtol(text, &end, 10);
    if (errno || end == text)
        return -1;
    const char *rest = end;
    long high = strtol(rest, &end, 10);
    if (errno || end == rest || low < 0 || high < low)
        return -1;
    return high - low + 1;
}

bool limits_check_ports(unsigned clients, long ports, FILE *err)
{
    if (ports < 0 || (long)clients <= ports)
        return true;
    fprintf(err, "chat-loadgen: %u clients need as many local ports, but "
            "net.ipv4.ip_local_port_range\n  has only %ld (every connection to one server "
            "address takes a port of its own).\n  Widen it first, e.g. as root: "
            "sysctl -w net.ipv4.ip_local_port_range=\"10000 65000\",\n"
            "  or run at most --clients %ld.\n", clients, ports, ports);
    return false;
}

/* The size of the local port range, or -1 if it cannot be read (not Linux, no /proc). */
static long local_ports(void)
{
    FILE *f = fopen(PORT_RANGE_FILE, "r");
    if (!f)
        return -1;
    char text[64];
    bool got = fgets(text, sizeof text, f) != NULL;
    fclose(f);
    return got ? limits_parse_port_range(text) : -1;
}

bool limits_prepare(unsigned clients, FILE *err)
{
    long soft_before = fdlimit_current();
    long allowed = fdlimit_raise();
    struct rlimit r;
    if (soft_before < 0 || getrlimit(RLIMIT_NOFILE, &r) != 0) {
        fprintf(err, "chat-loadgen: cannot read the open-file limit: %s\n", strerror(errno));
        return false;
    }
    if (allowed < 0) {
        fprintf(err, "chat-loadgen: cannot raise the open-file limit: %s\n", strerror(errno));
        allowed = soft_before;
    }
    long hard = r.rlim_max == RLIM_INFINITY ? allowed : (long)r.rlim_max;
    return limits_check_fds(clients, soft_before, allowed, hard, err) &&
           limits_check_ports(clients, local_ports(), err);
}
