/* histogram.h - a log-bucketed histogram of latencies (HdrHistogram-style).
 *
 * Values are unsigned 64-bit integers (the load generator records nanoseconds). Values below
 * 2^HIST_SUB_BITS are counted exactly; above that, each power-of-two range [2^m, 2^(m+1)) is
 * split into 2^HIST_SUB_BITS equal sub-buckets, so a bucket is never wider than 1/128 of the
 * values it holds: any reported percentile is within 0.8% of a recorded value. The memory is
 * fixed (about 59 KiB) whatever the range, and recording is a few shifts and one increment,
 * cheap enough for millions of samples per second. Minimum, maximum and mean are exact. */
#ifndef LOADGEN_HISTOGRAM_H
#define LOADGEN_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB_COUNT (1u << HIST_SUB_BITS)
/* Exact range [0, 2^7), then one row of 128 sub-buckets per power of two from 2^7 to 2^63. */
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB_COUNT)

struct histogram {
    uint64_t counts[HIST_BUCKETS];
    uint64_t total;
    uint64_t min;
    uint64_t max;
    double sum;     /* double, not uint64_t: a sum of nanosecond latencies can overflow */
};

void hist_init(struct histogram *h);
void hist_record(struct histogram *h, uint64_t value);
/* Add every sample of src to dst. */
void hist_merge(struct histogram *dst, const struct histogram *src);

/* The smallest value v such that at least pct percent of the samples are <= v, reported as the
 * highest value of v's bucket (never above the exact maximum). 0 when the histogram is empty.
 * pct is clamped to [0, 100]; pct 100 gives the exact maximum. */
uint64_t hist_percentile(const struct histogram *h, double pct);
double hist_mean(const struct histogram *h);

/* Bucket arithmetic, public so the tests can check the precision promise. */
size_t hist_bucket_of(uint64_t value);
uint64_t hist_bucket_lowest(size_t bucket);
uint64_t hist_bucket_highest(size_t bucket);

#endif
