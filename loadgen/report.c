/* report.c - see report.h. */
#include "report.h"

#include <string.h>

/* Fields are collected as (name, text) pairs once, then printed in the chosen format, so JSON
 * and CSV always carry the same fields in the same order. An empty text means "not known":
 * null in JSON, an empty cell in CSV. */
#define MAX_FIELDS 64

struct record {
    size_t count;
    const char *name[MAX_FIELDS];
    char value[MAX_FIELDS][128];
    bool is_text[MAX_FIELDS];
};

static char *add(struct record *rec, const char *name, bool is_text)
{
    size_t i = rec->count++;
    rec->name[i] = name;
    rec->is_text[i] = is_text;
    rec->value[i][0] = '\0';
    return rec->value[i];
}

static void add_text(struct record *rec, const char *name, const char *text)
{
    snprintf(add(rec, name, true), sizeof rec->value[0], "%s", text);
}

static void add_uint(struct record *rec, const char *name, uint64_t v)
{
    snprintf(add(rec, name, false), sizeof rec->value[0], "%llu", (unsigned long long)v);
}

static void add_num(struct record *rec, const char *name, double v, bool known)
{
    char *slot = add(rec, name, false);
    if (known)
        snprintf(slot, sizeof rec->value[0], "%.6g", v);
}

static void add_long(struct record *rec, const char *name, long v)
{
    char *slot = add(rec, name, false);
    if (v >= 0)
        snprintf(slot, sizeof rec->value[0], "%ld", v);
}

/* Percentiles of a histogram of nanoseconds, in microseconds; unknown when empty. */
static void add_latency(struct record *rec, const char *name, const struct histogram *h, double pct)
{
    add_num(rec, name, (double)hist_percentile(h, pct) / 1000.0, h->total > 0);
}

static void build(struct record *rec, const struct options *o, const struct run_result *r)
{
    const struct delivery_stats *d = r->deliveries;
    const struct histogram *lat = &d->latency;
    uint64_t lines_out = d->delivered + d->echoes;  /* lines the server wrote to clients */
    double per_line = lines_out ? 1e6 / (double)lines_out : 0.0;
    const struct server_usage *s = &r->server;

    add_text(rec, "label", o->label);
    add_text(rec, "host", o->host);
    add_uint(rec, "clients", o->clients);
    add_num(rec, "rate", o->rate, true);
    add_uint(rec, "size", o->size);
    add_num(rec, "warmup_s", o->warmup_s, true);
    add_num(rec, "duration_s", o->duration_s, true);
    add_num(rec, "window_s", r->window_s, true);
    add_num(rec, "join_s", r->join_s, true);
    add_uint(rec, "scheduled", r->scheduled);
    add_uint(rec, "sent", r->sent);
    add_uint(rec, "expected", r->expected);
    add_uint(rec, "delivered", d->delivered);
    add_uint(rec, "lost", r->lost);
    add_uint(rec, "duplicated", d->duplicated);
    add_uint(rec, "out_of_order", d->out_of_order);
    add_uint(rec, "echoes", d->echoes);
    add_uint(rec, "echoes_lost", r->echoes_lost);
    add_uint(rec, "echoes_duplicated", d->echo_duplicated);
    add_uint(rec, "foreign", d->foreign);
    add_uint(rec, "error_lines", r->error_lines);
    add_uint(rec, "disconnected", r->disconnected);
    add_latency(rec, "p50_us", lat, 50.0);
    add_latency(rec, "p90_us", lat, 90.0);
    add_latency(rec, "p99_us", lat, 99.0);
    add_latency(rec, "p999_us", lat, 99.9);
    add_latency(rec, "max_us", lat, 100.0);
    add_num(rec, "mean_us", hist_mean(lat) / 1000.0, lat->total > 0);
    add_latency(rec, "echo_p50_us", &d->echo_latency, 50.0);
    add_latency(rec, "echo_p99_us", &d->echo_latency, 99.0);
    add_latency(rec, "send_lag_p99_us", &r->send_lag, 99.0);
    add_latency(rec, "send_lag_max_us", &r->send_lag, 100.0);
    add_text(rec, "server_cpu_source", s->known ? s->cpu_source : "");
    add_long(rec, "server_cpu_resolution_ns", s->known ? s->cpu_resolution_ns : -1);
    add_num(rec, "server_cpu_s", s->cpu_s, s->known);
    add_num(rec, "server_cpu_pct", 100.0 * s->cpu_s / r->window_s, s->known && r->window_s > 0);
    add_num(rec, "server_cpu_per_delivery_us", s->cpu_s * per_line, s->known && lines_out > 0);
    add_long(rec, "server_peak_rss_kib", s->known ? s->peak_rss_kib : -1);
    add_long(rec, "server_threads", s->known ? s->threads_max : -1);
    add_long(rec, "server_fds", s->known ? s->fds_max : -1);
    add_num(rec, "server_ctxsw_voluntary", (double)s->ctxsw_voluntary,
            s->known && s->ctxsw_known);
    add_num(rec, "server_ctxsw_involuntary", (double)s->ctxsw_involuntary,
            s->known && s->ctxsw_known);
    add_num(rec, "loadgen_cpu_s", r->loadgen_cpu_s, true);
    add_num(rec, "loadgen_cpu_pct", 100.0 * r->loadgen_cpu_s / r->window_s, r->window_s > 0);
    add_num(rec, "loadgen_cpu_per_delivery_us", r->loadgen_cpu_s * per_line, lines_out > 0);
    add_num(rec, "others_cpu_pct", 100.0 * r->others_cpu_s / r->window_s,
            r->others_known && r->window_s > 0);
}

void report_write(FILE *out, const struct options *o, const struct run_result *r)
{
    struct record rec = {0};
    build(&rec, o, r);
    if (o->format == FORMAT_JSON) {
        fputc('{', out);
        for (size_t i = 0; i < rec.count; i++) {
            const char *v = rec.value[i];
            fprintf(out, "%s\"%s\": ", i ? ", " : "", rec.name[i]);
            if (rec.is_text[i])
                fprintf(out, "\"%s\"", v);  /* labels and hosts cannot hold '"' or '\\' */
            else
                fputs(*v ? v : "null", out);
        }
        fputs("}\n", out);
        return;
    }
    if (o->csv_header)
        for (size_t i = 0; i < rec.count; i++)
            fprintf(out, "%s%s", rec.name[i], i + 1 < rec.count ? "," : "\n");
    for (size_t i = 0; i < rec.count; i++)
        fprintf(out, "%s%s", rec.value[i], i + 1 < rec.count ? "," : "\n");
}
