/* Unit tests of the latency histogram: bucket arithmetic, the 1% precision promise, and
 * percentiles against exactly known distributions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../histogram.h"

static struct histogram h, other;

static void small_values_are_exact(void **state)
{
    (void)state;
    for (uint64_t v = 0; v < 2 * HIST_SUB_COUNT; v++) {
        size_t b = hist_bucket_of(v);
        assert_int_equal(hist_bucket_lowest(b), v);
        assert_int_equal(hist_bucket_highest(b), v);
    }
}

/* Every bucket's range holds exactly the values that map to it, rows join without gaps, and
 * a bucket is never wider than 1/128 of its lowest value. */
static void buckets_tile_the_range(void **state)
{
    (void)state;
    for (size_t b = 0; b + 1 < HIST_BUCKETS; b++) {
        uint64_t lo = hist_bucket_lowest(b), hi = hist_bucket_highest(b);
        assert_true(lo <= hi);
        assert_int_equal(hist_bucket_of(lo), b);
        assert_int_equal(hist_bucket_of(hi), b);
        assert_int_equal(hist_bucket_lowest(b + 1), hi + 1);
        if (lo >= HIST_SUB_COUNT)
            assert_true((double)(hi - lo + 1) <= (double)lo / HIST_SUB_COUNT);
    }
    assert_int_equal(hist_bucket_of(UINT64_MAX), HIST_BUCKETS - 1);
    assert_int_equal(hist_bucket_highest(HIST_BUCKETS - 1), UINT64_MAX);
}

static void relative_error_below_one_percent(void **state)
{
    (void)state;
    srand(12345);
    for (int i = 0; i < 200000; i++) {
        uint64_t v = ((uint64_t)rand() << 31 | (uint64_t)rand()) >> (rand() % 60);
        uint64_t top = hist_bucket_highest(hist_bucket_of(v));
        assert_true(top >= v);
        assert_true((double)(top - v) <= 0.01 * (double)v);
    }
}

static void empty_histogram_reports_zero(void **state)
{
    (void)state;
    hist_init(&h);
    assert_int_equal(hist_percentile(&h, 50), 0);
    assert_int_equal(hist_percentile(&h, 100), 0);
    assert_true(hist_mean(&h) == 0.0);
}

/* 1..10000 once each: the p-th percentile is p * 100 (within a bucket). */
static void percentiles_of_a_uniform_distribution(void **state)
{
    (void)state;
    hist_init(&h);
    for (uint64_t v = 1; v <= 10000; v++)
        hist_record(&h, v);
    const double pcts[] = {1, 10, 50, 90, 99, 99.9};
    for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
        double want = pcts[i] * 100.0;
        double got = (double)hist_percentile(&h, pcts[i]);
        assert_true(got >= want);
        assert_true(got <= want * 1.01);
    }
    assert_int_equal(hist_percentile(&h, 100), 10000);
    assert_int_equal(h.min, 1);
    assert_int_equal(h.max, 10000);
    assert_true(hist_mean(&h) == 5000.5);
}

/* A percentile is the value below which the share of samples is at least that percent: with
 * 99 fast samples and one slow one, p99 is fast and p99.9 is slow. */
static void percentile_rank_rounds_up(void **state)
{
    (void)state;
    hist_init(&h);
    for (int i = 0; i < 99; i++)
        hist_record(&h, 10);
    hist_record(&h, 1000000);
    assert_int_equal(hist_percentile(&h, 99), 10);
    assert_int_equal(hist_percentile(&h, 99.9), 1000000);
    assert_int_equal(hist_percentile(&h, 0), 10);
}

/* The reported value never exceeds the exact maximum even when the bucket is wide. */
static void percentile_capped_at_max(void **state)
{
    (void)state;
    hist_init(&h);
    hist_record(&h, 1000001);
    assert_int_equal(hist_percentile(&h, 50), 1000001);
}

static void merge_adds_counts(void **state)
{
    (void)state;
    hist_init(&h);
    hist_init(&other);
    hist_record(&h, 5);
    hist_record(&other, 7);
    hist_record(&other, 3000);
    hist_merge(&h, &other);
    assert_int_equal(h.total, 3);
    assert_int_equal(h.min, 5);
    assert_int_equal(h.max, 3000);
    assert_int_equal(hist_percentile(&h, 50), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_values_are_exact),
        cmocka_unit_test(buckets_tile_the_range),
        cmocka_unit_test(relative_error_below_one_percent),
        cmocka_unit_test(empty_histogram_reports_zero),
        cmocka_unit_test(percentiles_of_a_uniform_distribution),
        cmocka_unit_test(percentile_rank_rounds_up),
        cmocka_unit_test(percentile_capped_at_max),
        cmocka_unit_test(merge_adds_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
