/* chat-loadgen - open-loop load generator and latency meter for the chatlab servers.
 * See loadgen/README.md for the method and the meaning of every output field. */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>

#include "limits.h"
#include "options.h"
#include "report.h"
#include "run.h"

int main(int argc, char **argv)
{
    struct options o;
    switch (options_parse(&o, argc, argv, stdout, stderr)) {
    case PARSE_EXIT_OK: return 0;
    case PARSE_ERROR: return 2;
    case PARSE_OK: break;
    }
    /* Before anything starts: a run that cannot have all its clients is refused whole. */
    if (!limits_prepare(o.clients, stderr))
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
