/* tracker.c - see tracker.h. */
#include "tracker.h"

#include <stdlib.h>

struct tracker {
    uint32_t clients;
    uint64_t first_seq;
    uint64_t end_seq;
    uint8_t *seen;        /* bit (k - first_seq) * clients + recipient */
    /* For each (recipient, sender): the newest of the sender's window messages seen, as
     * its index among them + 1 (0 = none yet). clients^2 entries, the largest thing here
     * (400 MB at 10,000 clients), so 4 bytes each, and only when the window has messages:
     * the bitmap bound (MAX_TRACKED_PAIRS in run.c, 2^33 pairs) keeps the index below
     * 2^31 for 2 or more clients. */
    uint32_t *newest;
    struct delivery_stats stats;
};

struct tracker *tracker_new(uint32_t clients, uint64_t first_seq, uint64_t end_seq)
{
    struct tracker *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->clients = clients;
    t->first_seq = first_seq;
    t->end_seq = end_seq > first_seq ? end_seq : first_seq;
    uint64_t bits = (t->end_seq - first_seq) * clients;
    t->seen = calloc(bits / 8 + 1, 1);
    /* An idle run (--rate 0) tracks nothing: no need for the clients^2 table. */
    t->newest = bits > 0 ? calloc((size_t)clients * clients, sizeof *t->newest) : NULL;
    if (!t->seen || (bits > 0 && !t->newest)) {
        tracker_free(t);
        return NULL;
    }
    hist_init(&t->stats.latency);
    hist_init(&t->stats.echo_latency);
    return t;
}

void tracker_free(struct tracker *t)
{
    if (!t)
        return;
    free(t->seen);
    free(t->newest);
    free(t);
}

/* Set the bit for (seq, recipient); return whether it was already set. */
static bool test_and_set(struct tracker *t, uint64_t seq, uint32_t recipient)
{
    uint64_t bit = (seq - t->first_seq) * t->clients + recipient;
    uint8_t mask = (uint8_t)(1u << (bit % 8));
    bool was = (t->seen[bit / 8] & mask) != 0;
    t->seen[bit / 8] |= mask;
    return was;
}

void tracker_record(struct tracker *t, uint32_t recipient, const struct load_fields *f,
                    uint64_t now_ns)
{
    struct delivery_stats *s = &t->stats;
    if (f->sender >= t->clients || recipient >= t->clients || f->seq % t->clients != f->sender ||
        f->seq >= t->end_seq) {
        s->foreign++;
        return;
    }
    if (f->seq < t->first_seq) {
        s->outside_window++;
        return;
    }
    uint64_t latency = now_ns > f->sched_ns ? now_ns - f->sched_ns : 0;
    bool again = test_and_set(t, f->seq, recipient);
    if (f->sender == recipient) {
        if (again) {
            s->echo_duplicated++;
        } else {
            s->echoes++;
            hist_record(&s->echo_latency, latency);
        }
        return;
    }
    if (again) {
        s->duplicated++;
        return;
    }
    s->delivered++;
    hist_record(&s->latency, latency);
    uint32_t *newest = &t->newest[(size_t)recipient * t->clients + f->sender];
    uint32_t index_plus_one = (uint32_t)((f->seq - t->first_seq) / t->clients + 1);
    if (index_plus_one < *newest)
        s->out_of_order++;
    else
        *newest = index_plus_one;
}

const struct delivery_stats *tracker_stats(const struct tracker *t)
{
    return &t->stats;
}
