# Settings shared by every chatlab benchmark plot. The caller (harness/bench_plots.py, or you
# by hand) sets:  fmt = 'svg' or 'png',  datafile = results/NAME/data.csv,  outfile,
# and the script sets its size in pixels, w and h, before loading this file.
#
#   gnuplot -e "fmt='svg'; datafile='results/x/data.csv'; outfile='/tmp/l.svg'; \
#               clients_list='10 100 1000'; send_us=2.0" latency.gp
#   (run from harness/plots/, where this file is)

if (fmt eq 'svg') {
    set terminal svg size w,h dynamic enhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size w,h enhanced font 'Helvetica,10' background rgb 'white'
}
set output outfile
set datafile separator comma
set datafile columnheaders
set grid lc rgb '#dddddd'
set key top left box opaque samplen 2

variants = 'async threaded hybrid'
colour(v) = v eq 'async' ? '#1f77b4' : (v eq 'threaded' ? '#d62728' : '#2ca02c')
marker(v) = v eq 'async' ? 7 : (v eq 'threaded' ? 5 : 9)

# Rows of one variant and kind from completed runs; anything else becomes NaN (not plotted).
ok(v, k) = strcol('variant') eq v && strcol('kind') eq k && strcol('status') eq 'ok'
pick(v, k, x) = ok(v, k) ? x : NaN

# The rate of a CPU-bound load run at c clients (server CPU >= cpu_pct of its core), for
# ringing such points; NaN otherwise. Needs cpu_pct.
cpu_bound_rate(c) = strcol('kind') eq 'load' && strcol('status') eq 'ok' && \
    column('clients') == int(c) && column('server_cpu_pct') >= cpu_pct ? column('rate') : NaN
