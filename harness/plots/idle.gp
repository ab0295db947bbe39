# Server CPU with connected clients that say nothing.
w = 650; h = 450
load 'common.gp'
set title 'Idle server CPU vs connected silent clients'
set logscale x
set xlabel 'connected clients (silent)'
set ylabel 'server CPU (% of one core)'
set yrange [0:*]
plot for [v in variants] datafile \
        using (pick(v, 'idle', column('clients'))):(column('server_cpu_pct')) \
        with linespoints lw 2 pt marker(v) lc rgb colour(v) title v
