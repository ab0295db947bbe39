# Peak resident memory (VmHWM) of the server against connected clients.
w = 650; h = 450
load 'common.gp'
set title 'Server peak memory vs connected clients'
set logscale x
set xlabel 'connected clients'
set ylabel 'peak resident memory, VmHWM (MiB)'
set yrange [0:*]
plot for [v in variants] datafile \
        using (pick(v, 'idle', column('clients'))):(column('server_peak_rss_kib') / 1024.0) \
        with linespoints lw 2 pt marker(v) lc rgb colour(v) title v
