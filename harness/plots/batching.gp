# Lines per send() against offered load, one panel per client count: the server's own count
# of its send() calls and of the lines they carried over the measured window (PROTOCOL.md,
# "Send statistics"). 1 means every line left in a send() of its own; more means lines waited
# together while the server was busy and left in one call, which is how a server with no CPU
# to spare keeps up. Ringed points are CPU-bound runs (server at cpu_pct of its core or more).
# Needs clients_list and cpu_pct.
w = 1350; h = 500
load 'common.gp'
set key below horizontal
set bmargin 7
set multiplot layout 1, words(clients_list) title \
    "Lines per send() vs offered load (the server's own count over the window; ringed: CPU-bound)"
set logscale xy
set format y '%g'
set xlabel 'offered load (messages/s, all senders)'
set ylabel 'lines per send() call'
do for [c in clients_list] {
    set title sprintf('%s clients', c)
    plot for [v in variants] datafile \
            using (pick(v, 'load', column('clients') == int(c) ? column('rate') : NaN)):(column('lines_per_send')) \
            with linespoints lw 2 pt marker(v) lc rgb colour(v) title v, \
         datafile using (cpu_bound_rate(c)):(column('lines_per_send')) \
            with points pt 6 ps 2.2 lc rgb 'black' title sprintf('CPU-bound (>= %g%%)', cpu_pct), \
         1 with lines dt 2 lc rgb 'black' title 'one line per send()'
}
unset multiplot
