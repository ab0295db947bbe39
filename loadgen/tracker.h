/* tracker.h - bookkeeping of deliveries: which recipient got which message, and how late.
 *
 * Only messages of the measured window (sequence numbers first_seq .. end_seq-1) are tracked;
 * the warm-up's are ignored. Message k is sent by connection k mod clients. One latency sample
 * is taken per (message, recipient) for the other recipients; the echo of a message to its own
 * sender is counted apart. A bitmap of (message, recipient) pairs tells first deliveries from
 * duplicates exactly. The protocol promises that every client sees the same log order; the
 * log order of two senders' messages depends on who reached the server first, so order is
 * checked where the protocol fixes it: per (recipient, sender) pair, the messages of one
 * sender must arrive in the order they were sent. */
#ifndef LOADGEN_TRACKER_H
#define LOADGEN_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "histogram.h"
#include "wire.h"

struct delivery_stats {
    uint64_t delivered;       /* first deliveries to recipients other than the sender */
    uint64_t duplicated;      /* further copies of a (message, recipient) pair */
    uint64_t out_of_order;    /* arrived after a later message of the same sender */
    uint64_t echoes;          /* first deliveries back to the sender */
    uint64_t echo_duplicated;
    uint64_t outside_window;  /* warm-up messages, not tracked */
    uint64_t foreign;         /* load lines that cannot be ours (sender or seq out of range) */
    struct histogram latency;       /* receive time - scheduled time, ns, non-echo deliveries */
    struct histogram echo_latency;  /* the same for echoes */
};

struct tracker;

/* NULL if memory cannot be had. */
struct tracker *tracker_new(uint32_t clients, uint64_t first_seq, uint64_t end_seq);
void tracker_free(struct tracker *t);

/* The message f arrived at connection `recipient` at now_ns (same clock as f->sched_ns). */
void tracker_record(struct tracker *t, uint32_t recipient, const struct load_fields *f,
                    uint64_t now_ns);

const struct delivery_stats *tracker_stats(const struct tracker *t);

#endif
