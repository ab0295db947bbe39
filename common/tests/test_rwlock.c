/* test_rwlock.c - the readers-writers lock: exclusion, sharing, and writer preference.
 *
 * Threads never call cmocka's assertions (cmocka is not thread-safe); they record what they
 * did, and the test thread checks it once every thread is joined (a failed assertion jumps out
 * of the test, so nothing may be left blocked in the lock by then). A test never sleeps to
 * "give a thread time": it waits for evidence, either the lock's own counter showing that the
 * thread is blocked in it, or the thread's record that it got in. */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "rwlock.h"
#include "testutil.h"

#define WATCHDOG_SECONDS 60         /* a lock that deadlocks fails the run instead of hanging */

static struct rwlock lock;

static int setup(void **state)
{
    (void)state;
    return rwlock_init(&lock);
}

static int teardown(void **state)
{
    (void)state;
    rwlock_destroy(&lock);
    return 0;
}

/* Read one of the lock's counters the way the lock itself does: under its mutex. */
static unsigned counter_of(const unsigned *field)
{
    pthread_mutex_lock(&lock.mutex);
    unsigned v = *field;
    pthread_mutex_unlock(&lock.mutex);
    return v;
}

static pthread_t start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, fn, arg), 0);
    return t;
}

/* ---- what the threads did -------------------------------------------------------------- */

/* Each thread records that it got in: 'R' for a reader, 'W' for a writer. */
static pthread_mutex_t record_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t released = PTHREAD_COND_INITIALIZER;
static char order[8];
static size_t order_len;
static bool may_leave;              /* read_and_hold: the test lets the reader go */

static void forget_records(void)
{
    order_len = 0;
    memset(order, 0, sizeof order);
    may_leave = false;
}

static void record(char who)
{
    pthread_mutex_lock(&record_mutex);
    order[order_len++] = who;
    pthread_mutex_unlock(&record_mutex);
}

static size_t recorded(void)
{
    pthread_mutex_lock(&record_mutex);
    size_t n = order_len;
    pthread_mutex_unlock(&record_mutex);
    return n;
}

/* Wait for evidence about a thread just started: it is blocked in the lock (its counter of
 * waiting threads is no longer zero) or it got in (it recorded so). */
static void wait_until_blocked_or_in(const unsigned *waiting_counter, size_t records_before)
{
    while (counter_of(waiting_counter) == 0 && recorded() == records_before)
        sched_yield();
}

static void *read_and_record(void *arg)
{
    (void)arg;
    rwlock_read_lock(&lock);
    record('R');
    rwlock_read_unlock(&lock);
    return NULL;
}

static void *write_and_record(void *arg)
{
    (void)arg;
    rwlock_write_lock(&lock);
    record('W');
    rwlock_write_unlock(&lock);
    return NULL;
}

/* A reader that stays inside until the test lets it go. */
static void *read_and_hold(void *arg)
{
    (void)arg;
    rwlock_read_lock(&lock);
    record('R');
    pthread_mutex_lock(&record_mutex);
    while (!may_leave)
        pthread_cond_wait(&released, &record_mutex);
    pthread_mutex_unlock(&record_mutex);
    rwlock_read_unlock(&lock);
    return NULL;
}

static void let_holder_leave(void)
{
    pthread_mutex_lock(&record_mutex);
    may_leave = true;
    pthread_cond_broadcast(&released);
    pthread_mutex_unlock(&record_mutex);
}

/* ---- writers exclude each other -------------------------------------------------------- */

#define WRITERS 4
#define ROUNDS 20000

static long shared_total;           /* updated non-atomically: only exclusion keeps it right */
static int writers_inside;
static int overlaps_seen;

static void *writer_loop(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        rwlock_write_lock(&lock);
        if (writers_inside++ != 0)
            overlaps_seen++;
        long t = shared_total;
        if (i % 1000 == 0)
            sched_yield();          /* a broken lock would let another writer in right here */
        shared_total = t + 1;
        writers_inside--;
        rwlock_write_unlock(&lock);
    }
    return NULL;
}

static void test_writers_exclude_each_other(void **state)
{
    (void)state;
    pthread_t t[WRITERS];
    shared_total = 0;
    writers_inside = overlaps_seen = 0;
    for (int i = 0; i < WRITERS; i++)
        t[i] = start(writer_loop, NULL);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(overlaps_seen, 0);
    assert_int_equal(shared_total, (long)WRITERS * ROUNDS);
}

/* ---- readers share the lock ------------------------------------------------------------ */

static void test_readers_share_the_lock(void **state)
{
    (void)state;
    forget_records();

    rwlock_read_lock(&lock);
    pthread_t t = start(read_and_hold, NULL);
    wait_until_blocked_or_in(&lock.waiting_readers, 0);
    size_t got_in = recorded();
    unsigned readers_inside = counter_of(&lock.active_readers);
    rwlock_read_unlock(&lock);
    let_holder_leave();
    pthread_join(t, NULL);

    assert_int_equal(got_in, 1);            /* it got in while this thread was reading */
    assert_int_equal(readers_inside, 2);
    assert_int_equal(counter_of(&lock.active_readers), 0);
}

/* ---- a writer excludes readers, and a reader excludes writers --------------------------- */

static void test_writer_excludes_readers(void **state)
{
    (void)state;
    forget_records();

    rwlock_write_lock(&lock);
    pthread_t t = start(read_and_record, NULL);
    wait_until_blocked_or_in(&lock.waiting_readers, 0);
    size_t got_in_early = recorded();
    rwlock_write_unlock(&lock);
    pthread_join(t, NULL);

    assert_int_equal(got_in_early, 0);      /* it was blocked, not in */
    assert_string_equal(order, "R");        /* and got in once the writer left */
}

static void test_reader_excludes_writers(void **state)
{
    (void)state;
    forget_records();

    rwlock_read_lock(&lock);
    pthread_t t = start(write_and_record, NULL);
    wait_until_blocked_or_in(&lock.waiting_writers, 0);
    size_t got_in_early = recorded();
    rwlock_read_unlock(&lock);
    pthread_join(t, NULL);

    assert_int_equal(got_in_early, 0);
    assert_string_equal(order, "W");
}

/* ---- a waiting writer goes before readers that came after it ---------------------------- */

static void test_waiting_writer_blocks_new_readers(void **state)
{
    (void)state;
    forget_records();

    rwlock_read_lock(&lock);                    /* an old reader holds the lock */
    pthread_t writer = start(write_and_record, NULL);
    wait_until_blocked_or_in(&lock.waiting_writers, 0);
    pthread_t reader = start(read_and_record, NULL);
    /* The lock is held only for reading, yet the new reader must wait behind the writer. */
    wait_until_blocked_or_in(&lock.waiting_readers, 0);
    size_t got_in_early = recorded();
    rwlock_read_unlock(&lock);
    pthread_join(writer, NULL);
    pthread_join(reader, NULL);

    assert_int_equal(got_in_early, 0);
    assert_string_equal(order, "WR");
}

/* ---- no writer starvation under a stream of readers ------------------------------------ */

#define STREAM_READERS 3
#define WRITER_TURNS 200

static bool stop_readers;           /* read and written under the lock */
static long reads_done[STREAM_READERS];

static void *reader_stream(void *arg)
{
    long *done = arg;
    for (;;) {
        rwlock_read_lock(&lock);
        bool stop = stop_readers;
        (*done)++;
        sched_yield();              /* hold it a moment, so that readers overlap */
        rwlock_read_unlock(&lock);
        if (stop)
            return NULL;
    }
}

static void test_no_writer_starvation(void **state)
{
    (void)state;
    pthread_t readers[STREAM_READERS];

    stop_readers = false;
    for (int i = 0; i < STREAM_READERS; i++) {
        reads_done[i] = 0;
        readers[i] = start(reader_stream, &reads_done[i]);
    }
    /* With readers coming and going all the time, a reader-preferring lock may never be free
     * of readers; this one lets each writer in as soon as the current readers leave. */
    for (int i = 0; i < WRITER_TURNS; i++) {
        rwlock_write_lock(&lock);
        if (i == WRITER_TURNS - 1)
            stop_readers = true;
        rwlock_write_unlock(&lock);
    }
    long total = 0;
    for (int i = 0; i < STREAM_READERS; i++) {
        pthread_join(readers[i], NULL);
        total += reads_done[i];
    }
    assert_true(total >= STREAM_READERS);       /* the readers did run meanwhile */
}

int main(void)
{
    alarm(WATCHDOG_SECONDS);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_writers_exclude_each_other, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readers_share_the_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_excludes_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_excludes_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waiting_writer_blocks_new_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_writer_starvation, setup, teardown),
    };
    return cmocka_run_group_tests_name("rwlock", tests, NULL, NULL);
}
