# Delivery latency (p99 solid, p50 dashed) against offered load, one panel per client count.
# Ringed points are CPU-bound runs: latency still flat, but no CPU left (see cpu_load.gp).
# Needs clients_list (e.g. '10 100 1000'), sat_ms (the latency saturation threshold) and
# cpu_pct (the CPU-bound threshold).
w = 1350; h = 500
load 'common.gp'
set key below horizontal
set bmargin 7
set multiplot layout 1, words(clients_list) title \
    "Delivery latency vs offered load (p99 solid, p50 dashed; one fresh server per point)"
set logscale xy
set format y '%g'
set xlabel 'offered load (messages/s, all senders)'
set ylabel 'latency (ms)'
do for [c in clients_list] {
    set title sprintf('%s clients (%s deliveries per message)', c, c)
    plot for [v in variants] datafile \
            using (pick(v, 'load', column('clients') == int(c) ? column('rate') : NaN)):(column('p99_us') / 1000.0) \
            with linespoints lw 2 pt marker(v) lc rgb colour(v) title v.' p99', \
         for [v in variants] datafile \
            using (pick(v, 'load', column('clients') == int(c) ? column('rate') : NaN)):(column('p50_us') / 1000.0) \
            with linespoints lw 1 dt 2 pt marker(v) ps 0.6 lc rgb colour(v) notitle, \
         datafile using (cpu_bound_rate(c)):(column('p99_us') / 1000.0) \
            with points pt 6 ps 2.2 lc rgb 'black' title sprintf('CPU-bound (>= %g%%)', cpu_pct), \
         sat_ms with lines dt 3 lc rgb 'black' title 'latency-saturated (p99 100 ms)'
}
unset multiplot
