/* histogram.c - see histogram.h. */
#include "histogram.h"

#include <string.h>

void hist_init(struct histogram *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

/* Position of the highest set bit (value > 0). */
static unsigned top_bit(uint64_t value)
{
    return 63u - (unsigned)__builtin_clzll(value);
}

size_t hist_bucket_of(uint64_t value)
{
    if (value < HIST_SUB_COUNT)
        return (size_t)value;
    unsigned m = top_bit(value);
    unsigned shift = m - HIST_SUB_BITS;
    /* Row (m - SUB_BITS + 1); within it, the SUB_BITS bits just below the top bit. */
    size_t row = (size_t)(m - HIST_SUB_BITS + 1);
    size_t sub = (size_t)((value >> shift) - HIST_SUB_COUNT);
    return row * HIST_SUB_COUNT + sub;
}

uint64_t hist_bucket_lowest(size_t bucket)
{
    if (bucket < HIST_SUB_COUNT)
        return bucket;
    size_t row = bucket / HIST_SUB_COUNT;
    size_t sub = bucket % HIST_SUB_COUNT;
    unsigned shift = (unsigned)(row - 1);
    return ((uint64_t)HIST_SUB_COUNT + sub) << shift;
}

uint64_t hist_bucket_highest(size_t bucket)
{
    if (bucket < HIST_SUB_COUNT)
        return bucket;
    unsigned shift = (unsigned)(bucket / HIST_SUB_COUNT - 1);
    return hist_bucket_lowest(bucket) + ((uint64_t)1 << shift) - 1;
}

void hist_record(struct histogram *h, uint64_t value)
{
    h->counts[hist_bucket_of(value)]++;
    h->total++;
    h->sum += (double)value;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
}

void hist_merge(struct histogram *dst, const struct histogram *src)
{
    for (size_t i = 0; i < HIST_BUCKETS; i++)
        dst->counts[i] += src->counts[i];
    dst->total += src->total;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

uint64_t hist_percentile(const struct histogram *h, double pct)
{
    if (h->total == 0)
        return 0;
    if (pct >= 100.0)
        return h->max;
    if (pct < 0.0)
        pct = 0.0;
    /* rank = ceil(pct% of total), at least 1: the rank-th smallest sample. */
    double exact = pct / 100.0 * (double)h->total;
    uint64_t rank = (uint64_t)exact;
    if ((double)rank < exact)
        rank++;
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t v = hist_bucket_highest(i);
            return v < h->max ? v : h->max;
        }
    }
    return h->max;
}

double hist_mean(const struct histogram *h)
{
    return h->total ? h->sum / (double)h->total : 0.0;
}
