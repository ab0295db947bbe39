# Past 1000 clients, nobody talking: idle CPU and peak memory against connected clients, one
# line per design (server and --poller). Needs series_list (scale_common.gp).
w = 1100; h = 480
load 'common.gp'
load 'scale_common.gp'
set key below horizontal
set bmargin 7
set multiplot layout 1, 2 title 'Past 1000 clients, all silent: idle cost and memory (one fresh server per point)'
set logscale x
set xrange [700:14000]
set xtics (1000, 2000, 3000, 5000, 10000)
set xlabel 'connected clients (silent)'

set title 'idle server CPU (log scale)'
set ylabel 'server CPU (% of one core)'
set logscale y
set format y '%g'
set yrange [*:*]
plot for [s in series_list] datafile \
        using (pickp(s, 'scale-idle', column('clients'))):(column('server_cpu_pct')) \
        with linespoints lw 2 dt sdash(s) pt marker(sv(s)) lc rgb scolour(s) title stitle(s), \
     0.5 with lines dt 2 lc rgb 'black' title 'target: 0.5% of a core'

set title 'peak resident memory (VmHWM)'
unset key
unset logscale y
set ylabel 'MiB'
set yrange [0:*]
plot for [s in series_list] datafile \
        using (pickp(s, 'scale-idle', column('clients'))):(column('server_peak_rss_kib') / 1024.0) \
        with linespoints lw 2 dt sdash(s) pt marker(sv(s)) lc rgb scolour(s) notitle
unset multiplot
