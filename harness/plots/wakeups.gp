# Wake-ups per line written against offered load, one panel per client count: the server's
# context switches (voluntary + involuntary, summed over /proc/PID/task/*/status, over the
# measured window) per line it wrote to a client (delivered + echoes). A thread that sleeps
# until each line arrives pays about one per line per recipient; one that finds several lines
# waiting when it wakes pays a fraction. Ringed points are CPU-bound runs.
# Needs clients_list and cpu_pct.
w = 1350; h = 500
load 'common.gp'
set key below horizontal
set bmargin 7
set multiplot layout 1, words(clients_list) title \
    "Server wake-ups (context switches) per line written vs offered load (ringed: CPU-bound)"
set logscale xy
set format y '%g'
set xlabel 'offered load (messages/s, all senders)'
set ylabel 'context switches per line written'
do for [c in clients_list] {
    set title sprintf('%s clients', c)
    plot for [v in variants] datafile \
            using (pick(v, 'load', column('clients') == int(c) ? column('rate') : NaN)):(column('wakeups_per_line')) \
            with linespoints lw 2 pt marker(v) lc rgb colour(v) title v, \
         datafile using (cpu_bound_rate(c)):(column('wakeups_per_line')) \
            with points pt 6 ps 2.2 lc rgb 'black' title sprintf('CPU-bound (>= %g%%)', cpu_pct), \
         1 with lines dt 2 lc rgb 'black' title 'one per line'
}
unset multiplot
