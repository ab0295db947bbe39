# Server CPU (% of one core, the kernel's accounting of every thread over the measured window)
# against offered load, one panel per client count. The server is pinned to one CPU, so 100%
# is all it can ever have; at cpu_pct (95%) and above a run counts as CPU-bound. Latency may
# still be flat there (see batching.gp): the server is out of CPU, not out of luck yet.
# Needs clients_list and cpu_pct.
w = 1350; h = 500
load 'common.gp'
set key below horizontal
set bmargin 7
set multiplot layout 1, words(clients_list) title \
    "Server CPU vs offered load (server pinned to one core: 100% is all it has)"
set logscale x
set yrange [0:110]
set ytics 0, 20, 100
set xlabel 'offered load (messages/s, all senders)'
set ylabel 'server CPU (% of its one core)'
do for [c in clients_list] {
    set title sprintf('%s clients', c)
    # The reference lines first, so the data is drawn over them; their key entries last.
    plot 100 with lines lw 4 lc rgb '#bbbbbb' notitle, \
         cpu_pct with lines dt 2 lc rgb 'black' notitle, \
         for [v in variants] datafile \
            using (pick(v, 'load', column('clients') == int(c) ? column('rate') : NaN)):(column('server_cpu_pct')) \
            with linespoints lw 2 pt marker(v) lc rgb colour(v) title v, \
         NaN with lines lw 4 lc rgb '#bbbbbb' title 'the pinned core (100%)', \
         NaN with lines dt 2 lc rgb 'black' title sprintf('CPU-bound (>= %g%%)', cpu_pct)
}
unset multiplot
