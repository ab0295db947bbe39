/* chat-loadgen - open-loop load generator and latency meter for the chatlab servers.
 * See loadgen/README.md for the method and the meaning of every output field. */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "options.h"
#include "report.h"
#include "run.h"

/* Every client is one socket: lift the soft limit on open files up to the hard one. */
static bool raise_fd_limit(unsigned clients)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return false;
    rlim_t need = (rlim_t)clients + 32;
    if (rl.rlim_cur < need) {
        rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < need) {
        fprintf(stderr, "chat-loadgen: %u clients need %lu open files, the limit is %lu\n",
                clients, (unsigned long)need, (unsigned long)rl.rlim_cur);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    struct options o;
    switch (options_parse(&o, argc, argv, stdout, stderr)) {
    case PARSE_EXIT_OK: return 0;
    case PARSE_ERROR: return 2;
    case PARSE_OK: break;
    }
    if (!raise_fd_limit(o.clients))
        return 1;
    signal(SIGPIPE, SIG_IGN);
    /* Timers fire when asked, not up to 50 us later: the default slack would make every
     * send late by that much, and the latency measured from the schedule would include it. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

    struct run_result result;
    int status = run_benchmark(&o, &result);
    if (status == 0)
        report_write(stdout, &o, &result);
    run_result_free(&result);
    return status;
}
